"""Survey teams (docs/spec/access.md): who is in them, how they change, and what a
place in one opens. The matrix of every URL is tests/test_access_matrix.py."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.core.management import CommandError, call_command
from django.test import Client

from jobs.models import Job
from jobs.runner import run_job
from surveys.access import ANALYST, GROUP_OF, INTERVIEWER, SUPERVISOR, SURVEY_MANAGER
from surveys.fieldwork.cases import case_create
from surveys.fieldwork.issuing import NewCase
from surveys.fieldwork.teams import team_add
from surveys.job_handlers import REGENERATE_CODES
from surveys.models import Case, Survey, SurveyMember, TeamRole
from tests.fieldwork.conftest import load, sample_csv

pytestmark = pytest.mark.django_db


def staff(username: str, *groups: str) -> User:
    """Staff of these kinds, in no team and without the all-surveys permission."""
    user = User.objects.create_user(username=username, password=None)
    for group in groups:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def team(survey: Survey) -> set[tuple[str, str]]:
    return set(SurveyMember.objects.filter(survey=survey).values_list("user__username", "role"))


def events(name: str) -> list[LogEntry]:
    return [entry for entry in LogEntry.objects.all() if entry.additional_data.get("event") == name]


@pytest.fixture
def survey_a(make_survey: Callable[..., Survey]) -> Survey:
    return make_survey("survey-a", name="Survey A")


@pytest.fixture
def manager_a(survey_a: Survey) -> User:
    user = staff("manager-a", SURVEY_MANAGER)
    SurveyMember.objects.create(survey=survey_a, user=user, role=TeamRole.MANAGER)
    return user


def test_the_creator_of_a_survey_is_its_first_manager_and_others_do_not_see_it() -> None:
    creator, other = staff("creator", SURVEY_MANAGER), staff("other", SURVEY_MANAGER)
    response = signed_in(creator).post(
        "/manage/new/", {"name": "Mine", "slug": "mine", "modes": ["online"], "access": "open"}
    )
    assert response.status_code == 302
    survey = Survey.objects.get(slug="mine")
    assert team(survey) == {("creator", "manager")}
    assert len(events("team_member_added")) == 1
    assert "Mine" in signed_in(creator).get("/manage/").content.decode()
    assert "Mine" not in signed_in(other).get("/manage/").content.decode()
    assert signed_in(other).get("/manage/mine/").status_code == 404


def test_a_manager_adds_someone_of_the_right_kind_to_the_team_on_its_page(
    survey_a: Survey, manager_a: User
) -> None:
    staff("sam", SUPERVISOR)
    client = signed_in(manager_a)
    response = client.post("/manage/survey-a/team/", {"username": "sam", "role": "supervisor"})
    assert response.status_code == 302
    assert ("sam", "supervisor") in team(survey_a)
    (entry,) = events("team_member_added")
    assert entry.actor == manager_a
    assert entry.additional_data["member"] == "sam"
    assert "sam" in client.get("/manage/survey-a/team/").content.decode()


def test_someone_not_of_the_roles_kind_is_refused_with_a_message_and_nothing_changes(
    survey_a: Survey, manager_a: User
) -> None:
    staff("ana", ANALYST)
    before = team(survey_a)
    response = signed_in(manager_a).post(
        "/manage/survey-a/team/", {"username": "ana", "role": "interviewer"}
    )
    assert response.status_code == 400
    assert "not in the “interviewer” group" in response.content.decode()
    unknown = signed_in(manager_a).post(
        "/manage/survey-a/team/", {"username": "nobody", "role": "analyst"}
    )
    assert unknown.status_code == 400
    assert "Enter the username of someone who can sign in here" in unknown.content.decode()
    assert team(survey_a) == before


def test_the_only_manager_cannot_be_removed_but_anyone_else_can(
    survey_a: Survey, manager_a: User
) -> None:
    client = signed_in(manager_a)
    only = SurveyMember.objects.get(survey=survey_a, user=manager_a)
    client.post("/manage/survey-a/team/remove/", {"member": only.pk})
    assert ("manager-a", "manager") in team(survey_a)
    iris = staff("iris", INTERVIEWER)
    member = SurveyMember.objects.create(survey=survey_a, user=iris, role=TeamRole.INTERVIEWER)
    client.post("/manage/survey-a/team/remove/", {"member": member.pk})
    assert team(survey_a) == {("manager-a", "manager")}
    assert [e.additional_data["member"] for e in events("team_member_removed")] == ["iris"]


def test_a_member_of_another_surveys_team_cannot_be_removed_through_this_one(
    survey_a: Survey, manager_a: User, make_survey: Callable[..., Survey]
) -> None:
    other = make_survey("survey-b")
    theirs = SurveyMember.objects.create(
        survey=other, user=staff("mb", SURVEY_MANAGER), role=TeamRole.MANAGER
    )
    signed_in(manager_a).post("/manage/survey-a/team/remove/", {"member": theirs.pk})
    assert SurveyMember.objects.filter(pk=theirs.pk).exists()


def test_survey_team_command_adds_removes_and_lists(survey_a: Survey, manager_a: User) -> None:
    staff("sid", SUPERVISOR, INTERVIEWER)
    call_command("survey_team", survey="survey-a", add="sid", role="supervisor")
    call_command("survey_team", survey="survey-a", add="sid", role="interviewer")
    out = io.StringIO()
    call_command("survey_team", survey="survey-a", stdout=out)
    assert "Supervisor: sid" in out.getvalue() and "Interviewer: sid" in out.getvalue()
    call_command("survey_team", survey="survey-a", remove="sid")
    assert team(survey_a) == {("manager-a", "manager")}
    entry = events("team_member_added")[0]
    assert entry.actor is None and entry.additional_data["command"] == "survey_team"
    with pytest.raises(CommandError, match="only manager"):
        call_command("survey_team", survey="survey-a", remove="manager-a")
    with pytest.raises(CommandError, match="nobody with the username"):
        call_command("survey_team", survey="survey-a", add="ghost", role="analyst")
    with pytest.raises(CommandError, match="not in the “analyst” group"):
        call_command("survey_team", survey="survey-a", add="sid", role="analyst")


def test_create_survey_names_its_first_managers_or_creates_nothing() -> None:
    staff("m1", SURVEY_MANAGER)
    staff("m2", SURVEY_MANAGER)
    staff("not-a-manager", ANALYST)
    args = ["--slug", "cs", "--name", "CS", "--access", "open"]
    call_command("create_survey", *args, "--manager", "m1", "--manager", "m2", stdout=io.StringIO())
    assert team(Survey.objects.get(slug="cs")) == {("m1", "manager"), ("m2", "manager")}
    with pytest.raises(CommandError, match="not in the “survey manager” group"):
        call_command(
            "create_survey", "--slug", "cs2", "--name", "CS2", "--access", "open",
            "--manager", "not-a-manager",
        )  # fmt: skip
    with pytest.raises(CommandError, match="nobody with the username ghost"):
        call_command(
            "create_survey", "--slug", "cs3", "--name", "CS3", "--access", "open",
            "--manager", "ghost",
        )  # fmt: skip
    assert not Survey.objects.filter(slug__in=["cs2", "cs3"]).exists()


def test_a_supervisor_assigns_only_to_the_surveys_interviewers_and_the_team_stays_as_it_is(
    make_survey: Callable[..., Survey],
) -> None:
    """Assigning no longer adds anyone to a team: an interviewer of the organisation
    outside the survey's team is not offered and is refused; one in the team is
    given the case, and the team is unchanged."""
    survey = make_survey("fw", offers_face_to_face=True)
    boss = staff("boss", SUPERVISOR)
    SurveyMember.objects.create(survey=survey, user=boss, role=TeamRole.SUPERVISOR)
    ivy = staff("ivy", INTERVIEWER)
    outsider = staff("otto", INTERVIEWER)
    SurveyMember.objects.create(survey=survey, user=ivy, role=TeamRole.INTERVIEWER)
    case, _ = case_create(survey=survey, new=NewCase(reference="C-1"))
    client = signed_in(boss)
    page = client.get(f"/interview/caseload/{case.pk}/").content.decode()
    assert f'value="{ivy.pk}"' in page and f'value="{outsider.pk}"' not in page
    listing = client.get(f"/supervise/{survey.slug}/cases/").content.decode()
    assert f'value="{ivy.pk}"' in listing and f'value="{outsider.pk}"' not in listing
    refused = client.post(f"/supervise/cases/{case.pk}/assign/", {"interviewer": outsider.pk})
    assert refused.status_code == 400
    bulk = client.post(
        f"/supervise/{survey.slug}/cases/", {"cases": [case.pk], "interviewer": outsider.pk}
    )
    assert bulk.status_code == 400
    assert Case.objects.get(pk=case.pk).interviewer is None
    assert ("otto", "interviewer") not in team(survey)
    response = client.post(f"/supervise/cases/{case.pk}/assign/", {"interviewer": ivy.pk})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).interviewer == ivy
    assert team(survey) == {("boss", "supervisor"), ("ivy", "interviewer")}
    assert not events("team_member_added")
    assert "C-1" in signed_in(ivy).get("/interview/?show=to_do").content.decode()


def test_a_samples_interviewer_column_makes_its_interviewers_members(
    make_survey: Callable[..., Survey],
) -> None:
    survey = make_survey("smp", access=Survey.Access.INVITATION)
    staff("iris", INTERVIEWER)
    report = load(
        survey, sample_csv([("R1", "iris"), ("R2", "")], header=("reference", "interviewer"))
    )
    assert report.ok, report.problems
    assert team(survey) == {("iris", "interviewer")}
    assert Case.objects.get(reference="R1").interviewer.username == "iris"


def test_the_supervisors_home_lists_only_the_surveys_they_supervise(
    make_survey: Callable[..., Survey],
) -> None:
    mine = make_survey("mine", name="Mine survey", offers_face_to_face=True)
    make_survey("theirs", name="Theirs survey", offers_face_to_face=True)
    boss = staff("boss", SUPERVISOR)
    SurveyMember.objects.create(survey=mine, user=boss, role=TeamRole.SUPERVISOR)
    page = signed_in(boss).get("/supervise/").content.decode()
    assert "Mine survey" in page and "Theirs survey" not in page


def test_an_interviewer_sees_only_cases_of_surveys_whose_team_they_are_in(
    make_survey: Callable[..., Survey],
) -> None:
    survey = make_survey("left", offers_face_to_face=True)
    ivy = staff("ivy", INTERVIEWER)
    team_add(survey=survey, user=ivy, role=TeamRole.INTERVIEWER, actor=None)
    case, _ = case_create(survey=survey, new=NewCase(reference="L-1", interviewer_id=ivy.pk))
    client = signed_in(ivy)
    assert client.get(f"/interview/caseload/{case.pk}/").status_code == 200
    SurveyMember.objects.filter(user=ivy).delete()
    assert client.get(f"/interview/caseload/{case.pk}/").status_code == 404
    assert "L-1" not in client.get("/interview/?show=to_do").content.decode()


def test_a_queued_job_whose_owner_left_the_team_fails_and_does_nothing(
    survey_a: Survey, manager_a: User, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://surveys.example.org"
    case, _ = case_create(survey=survey_a, new=NewCase(reference="J-1"))
    before = Case.objects.get(pk=case.pk).access_code_hash
    job = Job.objects.create(
        kind=REGENERATE_CODES, title="codes", owner=manager_a, params={"survey_id": survey_a.pk}
    )
    SurveyMember.objects.filter(user=manager_a).delete()
    run_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "no longer one of the survey’s managers" in job.error
    assert Case.objects.get(pk=case.pk).access_code_hash == before


def test_a_job_of_a_survey_is_no_longer_shown_to_its_owner_once_they_leave_the_team(
    survey_a: Survey, manager_a: User
) -> None:
    """Its page, state, download and place in the list go with the owner's place in
    the team (a sample load's report names lines and references)."""
    job = Job.objects.create(
        kind=REGENERATE_CODES,
        title="codes",
        owner=manager_a,
        params={"survey_id": survey_a.pk},
        status=Job.Status.SUCCEEDED,
    )
    client = signed_in(manager_a)
    pages = (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status.json")
    assert [client.get(page).status_code for page in pages] == [200, 200]
    assert "codes" in client.get("/jobs/").content.decode()
    SurveyMember.objects.filter(user=manager_a).delete()
    assert [client.get(page).status_code for page in pages] == [404, 404]
    assert client.get(f"/jobs/{job.pk}/download/").status_code == 404
    assert f"/jobs/{job.pk}/" not in client.get("/jobs/").content.decode()


def test_an_analyst_outside_the_team_gets_published_tables_but_not_microdata(
    survey_a: Survey,
) -> None:
    ana = staff("ana", ANALYST)
    ana.user_permissions.add(
        Permission.objects.get(content_type__app_label="classification", codename="view_unrounded")
    )
    client = signed_in(ana)
    assert client.get("/analysis/survey-a/").status_code == 200
    assert client.get("/analysis/survey-a/?figures=unrounded").status_code == 403
    assert client.get("/analysis/survey-a/download/microdata.csv").status_code == 403
    team_add(survey=survey_a, user=ana, role=TeamRole.ANALYST, actor=None)
    client = signed_in(User.objects.get(pk=ana.pk))
    assert client.get("/analysis/survey-a/download/microdata.csv").status_code == 200


def test_migration_0015_puts_existing_role_holders_in_every_existing_surveys_team(
    make_survey: Callable[..., Survey],
) -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("surveys.migrations.0015_survey_teams")
    first, second = make_survey("one"), make_survey("two")
    for group in (SURVEY_MANAGER, INTERVIEWER):
        staff(f"old-{group.replace(' ', '-')}", group)
    staff("no-role")
    gone = staff("gone", ANALYST)
    gone.is_active = False
    gone.save()
    migration.existing_staff_join_existing_surveys(apps, None)
    expected = {("old-survey-manager", "manager"), ("old-interviewer", "interviewer")}
    assert team(first) == team(second) == expected
    # The coder came later (0018), with no survey's team to join.
    assert set(GROUP_OF.values()) - {"coder"} == set(migration.ROLES)


def test_unrounded_figures_beside_another_survey_need_that_surveys_team_too(
    make_survey: Callable[..., Survey],
) -> None:
    from api.tokens import token_create

    mine, theirs = make_survey("mine"), make_survey("theirs")
    ana = staff("ana", ANALYST)
    ana.user_permissions.add(
        Permission.objects.get(content_type__app_label="classification", codename="view_unrounded")
    )
    team_add(survey=mine, user=ana, role=TeamRole.ANALYST, actor=None)
    query = "?other=theirs&table=school_type&figures={}"
    client = signed_in(ana)
    page = "/analysis/mine/compare/survey/" + query
    assert client.get(page.format("rounded")).status_code == 200
    assert client.get(page.format("unrounded")).status_code == 403
    token = token_create(user=ana, name="t")[1]
    api = "/api/v1/surveys/mine/comparisons/survey/" + query
    headers = {"Authorization": f"Bearer {token}"}
    assert Client().get(api.format("rounded"), headers=headers).status_code == 200
    assert Client().get(api.format("unrounded"), headers=headers).status_code == 403
    team_add(survey=theirs, user=ana, role=TeamRole.ANALYST, actor=None)
    assert signed_in(User.objects.get(pk=ana.pk)).get(page.format("unrounded")).status_code == 200
    assert Client().get(api.format("unrounded"), headers=headers).status_code == 200


def test_a_manager_who_leaves_the_team_is_taken_to_their_surveys(
    survey_a: Survey, manager_a: User
) -> None:
    other = staff("other-manager", SURVEY_MANAGER)
    team_add(survey=survey_a, user=other, role=TeamRole.MANAGER, actor=None)
    mine = SurveyMember.objects.get(survey=survey_a, user=manager_a)
    response = signed_in(manager_a).post("/manage/survey-a/team/remove/", {"member": mine.pk})
    assert response["Location"] == "/manage/"
    assert signed_in(manager_a).get("/manage/survey-a/").status_code == 404


def test_a_case_given_an_interviewer_on_the_managers_pages_makes_them_a_member(
    survey_a: Survey, manager_a: User, settings: Any
) -> None:
    settings.PUBLIC_BASE_URL = "https://surveys.example.org"
    staff("ivy", INTERVIEWER)
    staff("ian", INTERVIEWER)
    client = signed_in(manager_a)
    added = client.post(
        "/manage/survey-a/cases/new/",
        {"reference": "M-1", "preferred_mode": "", "interviewer": "ivy"},
    )
    assert added.status_code == 200
    case = Case.objects.get(reference="M-1")
    edited = client.post(
        f"/manage/survey-a/cases/{case.pk}/edit/",
        {"preferred_mode": "", "interviewer": "ian"},
    )
    assert edited.status_code == 302
    assert {("ivy", "interviewer"), ("ian", "interviewer")} <= team(survey_a)
    assert {e.actor for e in events("team_member_added")} == {manager_a}


def test_a_supervisor_stops_interviewers_taking_unassigned_cases(
    make_survey: Callable[..., Survey],
) -> None:
    survey = make_survey("shared", interviewers_take_unassigned=True)
    boss = staff("boss", SUPERVISOR)
    team_add(survey=survey, user=boss, role=TeamRole.SUPERVISOR, actor=None)
    response = signed_in(boss).post("/supervise/shared/unassigned-cases/", {"allow": "no"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.interviewers_take_unassigned is False
    (entry,) = events("unassigned_work_changed")
    assert entry.additional_data["allowed"] == "False"
