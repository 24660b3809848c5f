"""`manage.py seed_demo`: the demo survey and a local login, safe to run again."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from surveys.access import ROLES
from surveys.models import Survey, SurveyMember, TeamRole

pytestmark = pytest.mark.django_db


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_creates_an_open_demo_survey_offering_every_mode() -> None:
    seed()
    survey = Survey.objects.get(slug="demo")
    assert survey.is_open()
    assert [m.value for m in survey.modes] == ["online", "face_to_face", "telephone"]
    assert Client().get("/s/demo/").status_code == 200


def test_seed_demo_is_safe_to_run_again() -> None:
    seed()
    seed()
    assert Survey.objects.filter(slug="demo").count() == 1


def test_seed_demo_prints_a_random_login_that_works() -> None:
    first = re.search(r"password: (\S+)", seed("--with-login"))
    second = re.search(r"password: (\S+)", seed("--with-login"))
    assert first and second
    assert first[1] != second[1], "the demo password is random, never a fixed one"
    assert len(second[1]) >= 12
    user = User.objects.get(username="demo-admin")
    assert user.check_password(second[1])
    assert not user.check_password(first[1])
    assert user.password.startswith("argon2")
    assert {g.name for g in user.groups.all()} == set(ROLES)
    managed = SurveyMember.objects.filter(user=user, role=TeamRole.MANAGER)
    assert sorted(managed.values_list("survey__slug", flat=True)) == ["demo", "demo-invited"]


def test_seed_demo_without_login_makes_no_account() -> None:
    seed()
    assert not User.objects.exists()


def test_seed_demo_adds_routing_valid_complete_demo_responses_once() -> None:
    from seb.routing import check_response
    from seb.standard import load_standard

    seed()
    seed()
    responses = Survey.objects.get(slug="demo").responses
    assert responses.count() == 400
    standard = load_standard()
    modes = set()
    for response in responses.all()[:100]:
        assert response.status == "complete"
        assert not check_response(standard, response.mode, response.answers)
        modes.add(response.mode)
    assert modes == {"online", "face_to_face", "telephone"}
    keys = list(responses.values_list("record_key", flat=True))
    assert all(0 <= key < 256 for key in keys) and len(set(keys)) > 150  # drawn at random


def test_seed_demo_sends_its_demo_messages_without_a_log_line_each(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The demo's rounds go to the outbox, not to `make run`'s output, message by message;
    the logger is as it was afterwards."""
    import logging

    from surveys.models import LocalNotification

    before = logging.getLogger("surveys.fieldwork.notify").level
    with caplog.at_level(logging.INFO):
        seed()
    assert LocalNotification.objects.count() > 100
    assert [record for record in caplog.records if record.name == "surveys.fieldwork.notify"] == []
    assert logging.getLogger("surveys.fieldwork.notify").level == before
