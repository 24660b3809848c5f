"""The manager's sample list: filters that survive paging, select-all, and bulk
assign, withdraw and reissue, confirmed, audited, skipping the cases they do not
apply to, and never reaching another survey's cases."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from seb.fieldwork import Outcome
from surveys.access import ANALYST, INTERVIEWER, SUPERVISOR
from surveys.fieldwork.cases import case_by_access_code
from surveys.models import Case, Survey, SurveyMember, TeamRole
from tests.fieldwork.conftest import load, sample_csv

pytestmark = pytest.mark.django_db

HEADER = ("reference", "email", "mode", "region")


@pytest.fixture
def sample(invitation_survey: Survey) -> Survey:
    """60 cases: R001-R060, odd ones face to face, every third in the north."""
    rows = [
        (
            f"R{i:03d}",
            f"p{i}@example.org",
            "face_to_face" if i % 2 else "online",
            "north" if i % 3 == 0 else "south",
        )
        for i in range(1, 61)
    ]
    report = load(invitation_survey, sample_csv(rows, header=HEADER))
    assert report.ok, report.problems
    invitation_survey.refresh_from_db()
    return invitation_survey


@pytest.fixture
def team_interviewer(make_staff: Callable[..., User], sample: Survey) -> User:
    user = make_staff("ivy", INTERVIEWER, every_survey=False, first_name="Ivy", last_name="Ng")
    SurveyMember.objects.create(survey=sample, user=user, role=TeamRole.INTERVIEWER)
    return user


def ids(*references: str) -> list[str]:
    return [
        str(pk) for pk in Case.objects.filter(reference__in=references).values_list("pk", flat=True)
    ]


def events(name: str) -> list[LogEntry]:
    return [entry for entry in LogEntry.objects.all() if entry.additional_data.get("event") == name]


def test_the_list_filters_by_mode_and_sample_variable_and_keeps_the_filter_across_pages(
    manager_client: Client, sample: Survey
) -> None:
    page = manager_client.get(
        "/manage/invited/sample/?mode=face_to_face&variable=region&value=south"
    )
    text = page.content.decode()
    # Odd numbers not divisible by three, of 1-60: 20.
    assert "<strong>20</strong> cases of 60 match" in text
    assert "R001" in text and "R003" not in text and "R002" not in text
    assert 'name="variable"' in text


def test_paging_links_carry_the_filter(manager_client: Client, sample: Survey) -> None:
    text = manager_client.get("/manage/invited/sample/?q=r0&mode=online").content.decode()
    assert "<strong>30</strong> cases of 60 match" in text
    assert 'href="?q=r0&amp;mode=online&amp;page=2"' in text
    second = manager_client.get("/manage/invited/sample/?q=r0&mode=online&page=2").content.decode()
    assert "R060" in second and "R050" not in second and "R059" not in second
    assert 'href="?q=r0&amp;mode=online&amp;page=1"' in second


def test_the_list_filters_by_outcome_and_interviewer(
    manager_client: Client, sample: Survey, team_interviewer: User
) -> None:
    Case.objects.filter(reference__in=["R001", "R002"]).update(interviewer=team_interviewer)
    Case.objects.filter(reference="R002").update(outcome=Outcome.REFUSAL.value)
    text = manager_client.get(
        f"/manage/invited/sample/?interviewer={team_interviewer.pk}"
    ).content.decode()
    assert "<strong>2</strong> cases of 60 match" in text and "interviewer Ivy Ng" in text
    text = manager_client.get(
        f"/manage/invited/sample/?interviewer={team_interviewer.pk}&outcome=2.11"
    ).content.decode()
    assert "<strong>1</strong> case of 60 matches" in text and "R002" in text
    assert (
        "<strong>58</strong>"
        in manager_client.get("/manage/invited/sample/?interviewer=none").content.decode()
    )


def test_an_unknown_filter_value_filters_nothing(manager_client: Client, sample: Survey) -> None:
    text = manager_client.get(
        "/manage/invited/sample/?variable=email&value=p1@example.org&outcome=9.9&interviewer=1"
    ).content.decode()
    assert "<strong>60</strong> cases." in text


def test_a_bulk_assign_asks_to_confirm_then_assigns_and_audits(
    manager_client: Client, sample: Survey, team_interviewer: User
) -> None:
    chosen = {
        "cases": ids("R001", "R002", "R003"),
        "action": "assign",
        "interviewer": team_interviewer.pk,
    }
    confirm = manager_client.post("/manage/invited/sample/bulk/", chosen)
    assert confirm.status_code == 200
    assert "Assign 3 cases to Ivy Ng?" in confirm.content.decode()
    assert not Case.objects.filter(interviewer=team_interviewer).exists()
    done = manager_client.post(
        "/manage/invited/sample/bulk/", {**chosen, "confirm": "yes"}, follow=True
    )
    assert "3 cases assigned to Ivy Ng." in done.content.decode()
    assert set(
        Case.objects.filter(interviewer=team_interviewer).values_list("reference", flat=True)
    ) == {
        "R001",
        "R002",
        "R003",
    }
    (entry,) = events("cases_assigned")
    assert entry.additional_data["count"] == 3 and entry.actor.username == "manager"


def test_select_every_case_on_the_page_works_without_javascript(
    manager_client: Client, sample: Survey, team_interviewer: User
) -> None:
    page = manager_client.get("/manage/invited/sample/?mode=face_to_face").content.decode()
    (page_ids,) = re.findall(r'name="page_cases" value="([\d,]+)"', page)
    assert len(page_ids.split(",")) == 25
    manager_client.post(
        "/manage/invited/sample/bulk/",
        {
            "mode": "face_to_face",
            "page_cases": page_ids,
            "select_page": "yes",
            "action": "assign",
            "interviewer": team_interviewer.pk,
            "confirm": "yes",
        },
    )
    assert Case.objects.filter(interviewer=team_interviewer).count() == 25


def test_select_all_matching_acts_on_every_page_of_the_filter(
    manager_client: Client, sample: Survey
) -> None:
    chosen = {"variable": "region", "value": "south", "select_all": "yes", "action": "withdraw"}
    confirm = manager_client.post("/manage/invited/sample/bulk/", chosen).content.decode()
    assert "Withdraw 40 cases from the sample?" in confirm
    manager_client.post("/manage/invited/sample/bulk/", {**chosen, "confirm": "yes"})
    assert Case.objects.filter(withdrawn_at__isnull=False).count() == 40
    assert not Case.objects.filter(withdrawn_at__isnull=False, variables__region="north").exists()


def test_a_bulk_withdraw_skips_cases_it_does_not_apply_to_and_says_why(
    manager_client: Client, sample: Survey
) -> None:
    Case.objects.filter(reference="R001").update(withdrawn_at=timezone.now())
    Case.objects.filter(reference="R002").update(outcome=Outcome.COMPLETE.value)
    chosen = {"cases": ids("R001", "R002", "R003"), "action": "withdraw"}
    confirm = manager_client.post("/manage/invited/sample/bulk/", chosen).content.decode()
    assert "Withdraw 1 case from the sample?" in confirm
    assert "2 of the selected cases are skipped" in confirm
    assert "1 already withdrawn" in confirm and "1 complete (its response counts)" in confirm
    done = manager_client.post(
        "/manage/invited/sample/bulk/", {**chosen, "confirm": "yes"}, follow=True
    )
    assert "1 case withdrawn from the sample. 2 skipped" in done.content.decode()
    r2 = Case.objects.get(reference="R002")
    assert r2.withdrawn_at is None
    (entry,) = events("case_withdrawn")
    assert entry.additional_data["count"] == 1 and entry.additional_data["skipped"] == "2"


def test_a_bulk_assign_skips_cases_that_must_not_be_worked(
    manager_client: Client, sample: Survey, team_interviewer: User
) -> None:
    Case.objects.filter(reference="R001").update(
        opted_out_at=timezone.now(), outcome=Outcome.REFUSAL.value
    )
    Case.objects.filter(reference="R002").update(withdrawn_at=timezone.now())
    # A closed case is reopened on its own page first, as a supervisor's assignment asks.
    Case.objects.filter(reference="R004").update(closed_at=timezone.now())
    chosen = {
        "cases": ids("R001", "R002", "R003", "R004"),
        "action": "assign",
        "interviewer": team_interviewer.pk,
        "confirm": "yes",
    }
    manager_client.post("/manage/invited/sample/bulk/", chosen)
    assert list(
        Case.objects.filter(interviewer=team_interviewer).values_list("reference", flat=True)
    ) == ["R003"]


def test_a_bulk_reissue_voids_the_old_codes_and_gives_a_file_once(
    manager_client: Client, sample: Survey, settings: Any
) -> None:
    before = {
        case.pk: case.access_code_hash
        for case in Case.objects.filter(reference__in=["R001", "R002"])
    }
    Case.objects.filter(reference="R002").update(withdrawn_at=timezone.now())
    chosen = {"cases": ids("R001", "R002"), "action": "reissue"}
    confirm = manager_client.post("/manage/invited/sample/bulk/", chosen).content.decode()
    assert (
        "Reissue the codes and links of 1 case?" in confirm
        and "1 withdrawn (it has no code)" in confirm
    )
    job = manager_client.post("/manage/invited/sample/bulk/", {**chosen, "confirm": "yes"})
    page = manager_client.get(job["Location"]).content.decode()
    assert "New codes and links for 1 cases; 1 skipped" in page
    download_url = (
        "/manage/invited/codes/" + page.split('action="/manage/invited/codes/')[1].split('"')[0]
    )
    rows = b"".join(manager_client.post(download_url).streaming_content).decode().splitlines()
    assert rows[0] == "reference,access_code,link" and rows[1].startswith("R001,")
    assert len(rows) == 2
    r1 = Case.objects.get(reference="R001")
    assert r1.access_code_hash != before[r1.pk]
    assert case_by_access_code(survey=sample, typed=rows[1].split(",")[1]) == r1
    r2 = Case.objects.get(reference="R002")
    assert r2.access_code_hash == before[r2.pk]
    assert manager_client.post(download_url).status_code == 404


def test_nothing_chosen_or_no_action_is_refused_with_a_clear_message(
    manager_client: Client, sample: Survey, team_interviewer: User
) -> None:
    refused = manager_client.post("/manage/invited/sample/bulk/", {"action": "withdraw"})
    assert refused.status_code == 400
    assert "Select at least one case" in refused.content.decode()
    refused = manager_client.post("/manage/invited/sample/bulk/", {"cases": ids("R001")})
    assert "Select what to do with the selected cases" in refused.content.decode()
    refused = manager_client.post(
        "/manage/invited/sample/bulk/", {"cases": ids("R001"), "action": "assign"}
    )
    assert "Select an interviewer of the survey’s team" in refused.content.decode()
    assert not Case.objects.filter(withdrawn_at__isnull=False).exists()


def test_an_interviewer_outside_the_team_cannot_be_given_cases(
    manager_client: Client, sample: Survey, make_staff: Callable[..., User]
) -> None:
    outsider = make_staff("outsider", INTERVIEWER, every_survey=False)
    refused = manager_client.post(
        "/manage/invited/sample/bulk/",
        {"cases": ids("R001"), "action": "assign", "interviewer": outsider.pk, "confirm": "yes"},
    )
    assert refused.status_code == 400
    assert not Case.objects.filter(interviewer=outsider).exists()


def test_a_bulk_post_naming_another_surveys_cases_changes_nothing(
    manager_client: Client,
    sample: Survey,
    make_survey: Callable[..., Survey],
    team_interviewer: User,
) -> None:
    other = make_survey("other", name="Other survey", access=Survey.Access.INVITATION)
    assert load(other, sample_csv([("X1", "x1@example.org"), ("X2", "x2@example.org")])).ok
    theirs = [str(pk) for pk in Case.objects.filter(survey=other).values_list("pk", flat=True)]
    codes = dict(Case.objects.filter(survey=other).values_list("pk", "access_code_hash"))
    for action in ("withdraw", "assign", "reissue"):
        response = manager_client.post(
            "/manage/invited/sample/bulk/",
            {
                "cases": theirs,
                "action": action,
                "interviewer": team_interviewer.pk,
                "confirm": "yes",
            },
        )
        assert response.status_code == 400
        response = manager_client.post(
            "/manage/invited/sample/bulk/",
            {
                "page_cases": ",".join(theirs),
                "select_page": "yes",
                "cases": ids("R001"),
                "action": action,
                "interviewer": team_interviewer.pk,
                "confirm": "yes",
            },
        )
    untouched = Case.objects.filter(survey=other)
    assert not untouched.filter(withdrawn_at__isnull=False).exists()
    assert not untouched.filter(interviewer__isnull=False).exists()
    assert dict(untouched.values_list("pk", "access_code_hash")) == codes


@pytest.mark.parametrize("role", [INTERVIEWER, ANALYST, SUPERVISOR])
def test_staff_who_do_not_manage_the_survey_cannot_reach_the_list_or_act(
    client: Client, make_staff: Callable[..., User], sample: Survey, role: str
) -> None:
    client.force_login(make_staff("someone", role))
    assert client.get("/manage/invited/sample/?mode=online").status_code in (403, 404)
    response = client.post(
        "/manage/invited/sample/bulk/",
        {"select_all": "yes", "action": "withdraw", "confirm": "yes"},
    )
    assert response.status_code in (403, 404)
    assert not Case.objects.filter(withdrawn_at__isnull=False).exists()


def test_a_manager_of_another_survey_cannot_act_on_this_one(
    client: Client,
    make_staff: Callable[..., User],
    sample: Survey,
    make_survey: Callable[..., Survey],
) -> None:
    from surveys.access import SURVEY_MANAGER

    other = make_survey("other", name="Other survey")
    someone = make_staff("other-manager", SURVEY_MANAGER, every_survey=False)
    SurveyMember.objects.create(survey=other, user=someone, role=TeamRole.MANAGER)
    client.force_login(someone)
    response = client.post(
        "/manage/invited/sample/bulk/",
        {"select_all": "yes", "action": "withdraw", "confirm": "yes"},
    )
    assert response.status_code == 404
    assert not Case.objects.filter(withdrawn_at__isnull=False).exists()
