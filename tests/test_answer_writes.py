"""Recording an answer over a response read a moment before: one conditional UPDATE
when nothing changed since, the locked row's way when something did."""

from __future__ import annotations

import pytest

from seb.routing import Route
from seb.standard import Mode
from surveys.models import Response
from surveys.responses.lifecycle import Refused, answer_record, response_start, response_submit

pytestmark = pytest.mark.django_db


def answer_over(read: Response, key: str, code: str) -> Route:
    """The answer recorded as a page does, over the response as it was read."""
    return answer_record(response_id=read.pk, question_key=key, code=code, seen=read)


def test_an_answer_over_an_unchanged_read_is_stored_with_the_next_revision(survey) -> None:
    response = response_start(survey=survey, mode=Mode.ONLINE)
    seen = Response.objects.get(pk=response.pk)

    route = answer_over(seen, "school_type", "state")

    stored = Response.objects.get(pk=response.pk)
    assert stored.school_type == "state"
    assert stored.revision == seen.revision == 1
    assert stored.next_question == route.next_question == "free_school_meals"
    assert stored.updated_at == seen.updated_at


def test_an_answer_over_a_read_that_another_request_changed_is_applied_to_the_row_as_it_is(
    survey,
) -> None:
    response = response_start(survey=survey, mode=Mode.ONLINE)
    stale = Response.objects.get(pk=response.pk)
    answer_record(response_id=response.pk, question_key="school_type", code="outside_uk")

    answer_over(stale, "earner_employment_status", "employee")

    stored = Response.objects.get(pk=response.pk)
    assert (stored.school_type, stored.earner_employment_status) == ("outside_uk", "employee")
    assert stored.revision == 2
    assert stored.next_question == "employer_size"


def test_an_answer_over_a_read_made_before_submission_is_refused(survey) -> None:
    response = response_start(survey=survey, mode=Mode.ONLINE)
    for key, code in {
        "school_type": "outside_uk",
        "earner_employment_status": "not_working",
        "parental_qualification": "degree",
    }.items():
        answer_record(response_id=response.pk, question_key=key, code=code)
    stale = Response.objects.get(pk=response.pk)
    response_submit(response_id=response.pk, revision=stale.revision)

    with pytest.raises(Refused):
        answer_over(stale, "parental_qualification", "below_degree")

    stored = Response.objects.get(pk=response.pk)
    assert stored.status == Response.Status.COMPLETE
    assert stored.parental_qualification == "degree"
    assert stored.revision == stale.revision


@pytest.fixture
def route_walks(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every walk of a route from now on (`seb.routing.route`, wherever it was imported)."""
    import sys

    import seb.routing

    walks: list[object] = []
    walk = seb.routing.route

    def counted(*args: object, **kwargs: object) -> object:
        walks.append(args)
        return walk(*args, **kwargs)  # type: ignore[arg-type]

    for module in list(sys.modules.values()):
        if getattr(module, "route", None) is walk:
            monkeypatch.setattr(module, "route", counted)
    return walks


def test_recording_an_answer_walks_the_route_at_most_twice(survey, route_walks) -> None:
    response = response_start(survey=survey, mode=Mode.ONLINE)
    route_walks.clear()

    answer_record(response_id=response.pk, question_key="school_type", code="state")

    assert len(route_walks) == 2


def test_answering_a_question_page_walks_the_route_at_most_twice(
    survey, route_walks, client
) -> None:
    client.post(f"/s/{survey.slug}/")
    client.post(f"/s/{survey.slug}/questions/school_type/", {"answer": "state"})
    route_walks.clear()

    page = client.post(f"/s/{survey.slug}/questions/free_school_meals/", {"answer": "no"})

    assert page.status_code == 302
    assert page["Location"].endswith("/questions/earner_employment_status/")
    # One walk for the page, one for the answers as they now stand.
    assert len(route_walks) == 2, len(route_walks)
