"""Tests generated from the API's own OpenAPI description (Schemathesis), over every
operation: no server error, every answer matches the description (status, content type,
headers, body), bad input is refused, and a token without the unrounded permission never
gets an unrounded figure.

Each generated request is also sent to the survey the fixture fills (slug "test-survey",
with comparable surveys, sample variables and a reference distribution), so the checks
see real tables, comparisons and microdata as well as the 404s of random slugs.

Schemathesis's `positive_data_acceptance` check is left out on purpose: it expects every
request the description allows to succeed, but a random slug names no survey (404) and
rules the description cannot state (a period's end before its start) are refused (400).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import CheckContext
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.tokens import token_create
from classification.models import ReferenceDistribution
from seb.standard import Mode
from seb.tables import table_definitions
from surveys.models import Case, Survey

from .conftest import SLUG, plausible_responses
from .occupation import add_job_titles

RAW = SchemaGenerator().get_schema(request=None, public=True)
schema = schemathesis.openapi.from_dict(json.loads(json.dumps(RAW, default=str)))
schema.app = get_wsgi_application()

EXAMPLES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def filled(survey: Survey, make_survey: Any, db: None) -> Survey:
    """A survey with plausible responses, cases with a sample variable, a comparable
    survey and a reference distribution."""
    cases = [
        Case.objects.create(survey=survey, reference=f"c{n}", variables={"region": f"R{n % 3}"})
        for n in range(90)
    ]
    plausible_responses(survey, 90, seed=31, case_ids=[case.pk for case in cases])
    plausible_responses(survey, 60, seed=32)
    # It asks for the job title: its tables answer has the occupation table too.
    survey.asks_job_title = True
    survey.save(update_fields=["asks_job_title"])
    add_job_titles(survey)
    other = make_survey("other-wave", name="Other wave")
    plausible_responses(other, 60, seed=33)
    spec = table_definitions()["nssec3"]
    ReferenceDistribution.objects.create(
        name="Reference",
        population="a test population",
        source="Table 1",
        publisher="A statistics office",
        published_on="2025-01-01",
        table_key=spec.key,
        url="https://example.org/t1",
        licence="Open Government Licence v3.0",
        percentages={row.key: 20.0 for row in spec.rows},
    )
    return survey


def counts(data: Any) -> list[Any]:
    if isinstance(data, dict):
        found = [
            value for key, value in data.items() if key in ("count", "complete_responses", "total")
        ]
        found += [value for value in data.get("counts", [])]  # a two-way table's row
        return found + [
            c
            for key, value in data.items()
            if key not in ("count", "counts")
            for c in counts(value)
        ]
    if isinstance(data, list):
        return [c for item in data for c in counts(item)]
    return []


def never_unrounded(ctx: CheckContext, response: Any, case: Any) -> bool:
    """For a token without the permission: no microdata, no unrounded figure, ever."""
    if response.status_code != 200 or case.method.upper() != "GET":
        return True
    assert not case.path.endswith("/microdata/"), "microdata given without the permission"
    data = response.json()
    assert '"controlled": false' not in json.dumps(data), "an unrounded answer"
    for count in counts(data):
        assert count == "[z]" or count == 0 or count >= 10, count  # no figure from 1 to 9
    return True


def run(case: Any, token: str, *, extra: list[Any] | None = None) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    case.call_and_validate(
        headers=headers, excluded_checks=[positive_data_acceptance], additional_checks=extra or []
    )
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    if "slug" in (case.path_parameters or {}) and not negative:
        case.path_parameters = {**case.path_parameters, "slug": SLUG}
        case.call_and_validate(
            headers=headers,
            excluded_checks=[positive_data_acceptance],
            additional_checks=extra or [],
        )


@pytest.fixture
def fast_limits(settings: Any) -> Iterator[None]:
    """A rate limit these tests cannot reach, and the test's database connection kept
    open: a real WSGI request closes it when it ends, as Django's test client does not."""
    settings.API_RATE_LIMIT = "100000/minute"
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_every_operation_with_a_rounded_only_token(
    case: Any, filled: Survey, analyst_user: User, fast_limits: None
) -> None:
    _, token = token_create(user=analyst_user, name="schemathesis")
    run(case, token, extra=[never_unrounded])


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_every_operation_with_an_unrounded_token(
    case: Any, filled: Survey, unrounded_analyst: User, fast_limits: None
) -> None:
    _, token = token_create(user=unrounded_analyst, name="schemathesis")
    run(case, token)


def _examples(operation: dict[str, Any]) -> dict[str, Any]:
    content = operation["responses"]["400"]["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/Error"}
    return {example["summary"]: example["value"] for example in content["examples"].values()}


def _parameter(operation: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for item in operation["parameters"] if item["name"] == name)


SELECTION_PATHS = [
    "/api/v1/surveys/{slug}/tables/",
    "/api/v1/surveys/{slug}/tables/{key}/",
    "/api/v1/surveys/{slug}/comparisons/{dimension}/",
    "/api/v1/surveys/{slug}/microdata/",
]


@pytest.mark.parametrize("path", SELECTION_PATHS)
@pytest.mark.django_db
def test_the_description_states_the_date_order_rule_and_its_400_body_is_the_answer(
    path: str, filled: Survey, unrounded_analyst: User, client: Any
) -> None:
    """Every operation with a period documents that date_to before date_from is refused
    (in the parameter and as an example of its 400 body), and the API answers so."""
    operation = RAW["paths"][path]["get"]
    assert (
        "Not before date_from: refused with 400" in _parameter(operation, "date_to")["description"]
    )
    documented = _examples(operation)["date_to before date_from"]
    _, token = token_create(user=unrounded_analyst, name="rules")
    url = path.format(slug=SLUG, key="nssec5", dimension="mode")
    answer = client.get(
        f"{url}?date_from=2025-02-01&date_to=2025-01-31",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 400
    assert answer.json() == documented


@pytest.mark.django_db
def test_the_description_states_that_a_comparison_by_mode_needs_two_modes(
    make_survey: Any, analyst_user: User, client: Any
) -> None:
    """The comparison's 400 shows the body a comparison by mode with one mode to compare
    gets, and its dimension parameter says when; the API answers with that body. Under
    disclosure control the columns are the modes the survey offers, answered or not."""
    operation = RAW["paths"]["/api/v1/surveys/{slug}/comparisons/{dimension}/"]["get"]
    documented = _examples(operation)["A comparison by mode with one mode to compare"]
    (message,) = documented["errors"]["non_field_errors"]
    assert message in _parameter(operation, "dimension")["description"]
    online = make_survey(
        "online-only", name="Online only", offers_face_to_face=False, offers_telephone=False
    )
    plausible_responses(online, 20, seed=34, modes={Mode.ONLINE: 1})
    _, token = token_create(user=analyst_user, name="rules")
    headers = {"Authorization": f"Bearer {token}"}
    answer = client.get("/api/v1/surveys/online-only/comparisons/mode/", headers=headers)
    assert answer.status_code == 400
    assert answer.json() == documented
    Survey.objects.filter(pk=online.pk).update(offers_telephone=True)
    both = client.get("/api/v1/surveys/online-only/comparisons/mode/", headers=headers)
    assert both.status_code == 200  # a telephone column, published as 0
