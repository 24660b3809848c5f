"""Interviewers never reach the analyst pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from surveys.models import Survey

pytestmark = pytest.mark.django_db

# Arguments that name something real, so a page would open if the rule were removed.
ARGUMENTS = {
    "slug": "test-survey",
    "classes": "5",
    "file_format": "csv",
    "key": "school_type",
    "dimension": "mode",
    "name": "csv",
    "extension": "csv",
    "pk": "1",
}


def analysis_urls() -> list[str]:
    """/analysis/ and every page in the analysis namespace, with plausible arguments."""
    urls = {"/analysis/"}
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "analysis":
            for child in pattern.url_patterns:
                if isinstance(child, URLPattern) and child.name:
                    names = child.pattern.converters.keys()
                    kwargs = {name: ARGUMENTS.get(name, "x") for name in names}
                    urls.add(reverse(f"analysis:{child.name}", kwargs=kwargs))
    return sorted(urls)


def test_the_analysis_area_has_pages_to_check() -> None:
    assert len(analysis_urls()) > 1


def test_interviewers_get_403_on_every_analyst_page(
    interviewer_client: Client, survey: Survey
) -> None:
    for url in analysis_urls():
        for method in ("get", "post"):
            response = getattr(interviewer_client, method)(url)
            assert response.status_code in (403, 405), (method, url)
            if method == "get":
                assert response.status_code == 403, url
