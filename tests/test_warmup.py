"""The web master's warm-up (config/warmup.py): every template compiled before any
worker is forked, without touching the database the workers will connect to."""

from __future__ import annotations

from django.template import engines

from config.warmup import template_names, warm


def cached_templates() -> set[str]:
    (loader,) = engines["django"].engine.template_loaders
    return {template.origin.template_name for template in loader.get_template_cache.values()}


def test_warming_compiles_every_template_and_touches_no_database() -> None:
    # No django_db mark: a query would fail the test.
    (loader,) = engines["django"].engine.template_loaders
    loader.reset()
    assert cached_templates() == set()

    compiled = warm()

    names = template_names(engines["django"])
    assert compiled == len(names)
    # The service's own pages, the form pack's fields and the admin's are among them.
    assert {"surveys/question.html", "gds/layout/div.html", "admin/base.html"} <= set(names)
    assert cached_templates() == set(names)


def test_warming_builds_the_occupation_indexes_once_without_the_database() -> None:
    from config.warmup import warm_occupation
    from seb.occupation.index import prepared_index
    from seb.occupation.suggest import suggestion_index

    warm_occupation()
    assert prepared_index.cache_info().currsize == 1
    assert suggestion_index.cache_info().currsize == 1
