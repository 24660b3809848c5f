"""The online journey's own lookup of a response and its survey (written in SQL for
speed) finds exactly what the ORM finds, and nothing it should not."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db.models import Model
from django.utils import timezone

from seb.standard import Mode
from surveys.models import Response, Survey
from surveys.responses.selectors import online_response

pytestmark = pytest.mark.django_db

ANSWERS = {"school_type": "state", "free_school_meals": "no"}


def field_values(instance: Model) -> dict[str, object]:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


def test_it_loads_every_field_of_the_response_and_its_survey_as_the_orm_does(
    make_survey, make_response
) -> None:
    now = timezone.now()
    survey = make_survey(
        "lookup",
        organisation="Office for Examples",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
        sample_variables=["region", "age band"],
        privacy_notice_text="What we do with your answers.",
    )
    response = make_response(survey, ANSWERS, submit=False, reference="A/1")

    found = online_response(str(response.pk), "lookup")

    expected = Response.objects.select_related("survey").get(pk=response.pk)
    assert found is not None
    assert field_values(found) == field_values(expected)
    assert field_values(found.survey) == field_values(expected.survey)
    assert found.survey.sample_variables == ["region", "age band"]
    assert found.answers == expected.answers
    assert not hasattr(found, "survey__name")


def test_the_survey_comes_with_the_response_in_one_query(
    make_survey, make_response, django_assert_num_queries
) -> None:
    response = make_response(make_survey("lookup"), ANSWERS, submit=False)
    with django_assert_num_queries(1):
        found = online_response(str(response.pk), "lookup")
        assert found is not None and found.survey.slug == "lookup"


def test_it_finds_nothing_for_another_survey_another_mode_or_a_bad_id(
    make_survey, make_response
) -> None:
    survey = make_survey("lookup")
    make_survey("other")
    online = make_response(survey, ANSWERS, submit=False)
    interview = make_response(survey, ANSWERS, submit=False, mode=Mode.TELEPHONE)

    assert online_response(str(online.pk), "other") is None
    assert online_response(str(interview.pk), "lookup") is None
    assert online_response(str(uuid.uuid4()), "lookup") is None
    assert online_response("not-a-uuid", "lookup") is None
    assert online_response(str(online.pk), "lookup") is not None


def test_a_survey_changed_since_is_read_afresh(make_survey, make_response) -> None:
    survey = make_survey("lookup")
    response = make_response(survey, ANSWERS, submit=False)
    assert online_response(str(response.pk), "lookup").survey.is_open()

    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - timedelta(minutes=1))

    assert not online_response(str(response.pk), "lookup").survey.is_open()
