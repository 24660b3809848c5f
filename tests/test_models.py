"""What the database itself guarantees about surveys, responses and the standard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from surveys.models import Option, Question, Response, StandardVersion, Survey
from surveys.services import Refused, response_start, standard_install
from seb.standard import CURRENT_VERSION, load_standard

pytestmark = pytest.mark.django_db


def test_migrate_installs_every_question_and_option_of_the_standard() -> None:
    standard = load_standard()
    version = StandardVersion.objects.get(version=CURRENT_VERSION)
    stored = {
        q.key: [o.code for o in q.options.order_by("position")]
        for q in Question.objects.filter(standard=version).prefetch_related("options")
    }
    assert stored == {q.key: list(q.codes) for q in standard.questions}


def test_installing_the_standard_again_changes_nothing() -> None:
    before = list(Option.objects.order_by("pk").values_list("pk", "code"))
    standard_install()
    assert list(Option.objects.order_by("pk").values_list("pk", "code")) == before


def test_an_answer_must_be_a_real_option(survey: Survey) -> None:
    response = response_start(survey=survey, mode="online")
    response.school_type_id = Option.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()
        connection.check_constraints()  # foreign keys are checked at commit otherwise


def test_a_complete_response_has_a_completion_time(survey: Survey) -> None:
    response = response_start(survey=survey, mode="online")
    response.status = Response.Status.COMPLETE
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_a_stopped_response_has_a_reason(survey: Survey) -> None:
    response = response_start(survey=survey, mode="telephone")
    response.status = Response.Status.STOPPED
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_a_response_has_a_known_mode(survey: Survey) -> None:
    response = response_start(survey=survey, mode="online")
    response.mode = "carrier_pigeon"
    with pytest.raises(IntegrityError), transaction.atomic():
        response.save()


def test_a_survey_offers_at_least_one_mode(make_survey) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make_survey(offers_online=False, offers_face_to_face=False, offers_telephone=False)


def test_a_survey_closes_after_it_opens(make_survey) -> None:
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_survey(opens_at=now, closes_at=now - timedelta(days=1))


def test_a_response_can_only_start_in_a_mode_the_survey_offers(make_survey) -> None:
    survey = make_survey(offers_telephone=False)
    with pytest.raises(Refused):
        response_start(survey=survey, mode="telephone")


def test_survey_managers_create_surveys_in_the_admin() -> None:
    manager = User.objects.create_superuser("manager", password="x-very-long-password-1")
    client = Client()
    client.force_login(manager)
    page = client.get("/admin/surveys/survey/add/")
    assert page.status_code == 200
    response = client.post(
        "/admin/surveys/survey/add/",
        {
            "name": "Graduate intake 2027",
            "slug": "graduates-2027",
            "description": "",
            "standard": StandardVersion.objects.get().pk,
            "offers_online": "on",
            "offers_telephone": "on",
            "opens_at_0": "",
            "opens_at_1": "",
            "closes_at_0": "",
            "closes_at_1": "",
            "created_at_0": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    survey = Survey.objects.get(slug="graduates-2027")
    assert [m.value for m in survey.modes] == ["online", "telephone"]
    assert client.get("/admin/surveys/survey/").status_code == 200


def test_the_admin_shows_a_clear_error_for_a_survey_with_no_mode() -> None:
    manager = User.objects.create_superuser("manager", password="x-very-long-password-1")
    client = Client()
    client.force_login(manager)
    response = client.post(
        "/admin/surveys/survey/add/",
        {"name": "No modes", "slug": "no-modes", "standard": StandardVersion.objects.get().pk},
    )
    assert response.status_code == 200
    assert "A survey offers at least one mode." in response.content.decode()
    assert not Survey.objects.filter(slug="no-modes").exists()
