"""The authorisation matrix (docs/spec/access.md): every survey-scoped URL, asked by each
kind of staff, in survey A's team or only in survey B's, gets what the one guard says.

A survey-scoped URL is any whose address names a survey, a case or an interview; the
list is read from the URL resolver, so a new one that is not in `MATRIX` fails
`test_every_survey_scoped_url_is_in_the_matrix` until its row is written. The
respondent's pages (`online:`) are public by design and are not staff pages.

Outcomes: ALLOWED (anything but 403, 404 or the sign-in page), HIDDEN (404: the survey,
case or interview is not there for them) and REFUSED (403: not that kind of staff, or
an analyst asking a survey's unrounded data without being one of its analysts).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.tokens import token_create
from jobs.models import Job
from jobs.runner import job_path
from seb.standard import Mode
from surveys.access import GROUP_OF
from surveys.fieldwork.cases import case_create
from surveys.fieldwork.issuing import NewCase
from surveys.fieldwork.letters import CSV_FILE
from surveys.job_handlers import CODES_FILE, REGENERATE_CODES, SEND_ROUND
from surveys.models import (
    Case,
    CodingDecision,
    ContactRound,
    JobTitle,
    Response,
    Survey,
    SurveyMember,
    TeamRole,
)
from surveys.responses.lifecycle import response_start

pytestmark = pytest.mark.django_db

ALLOWED, HIDDEN, REFUSED = "allowed", "404", "403"
SCOPING_PARAMETERS = ("<slug:slug>", "<str:slug>", "<int:case_id>", "<uuid:response_id>")
PUBLIC_NAMESPACES = ("online",)
M, S, IV, A = TeamRole.MANAGER, TeamRole.SUPERVISOR, TeamRole.INTERVIEWER, TeamRole.ANALYST
C = TeamRole.CODER


def _walk(patterns: list[Any], route: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        here = route + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, here, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", here


def survey_scoped_urls() -> dict[str, str]:
    """Every named staff URL whose route names a survey, a case or an interview."""
    return {
        name: route
        for name, route in _walk(get_resolver().url_patterns)
        if any(parameter in route for parameter in SCOPING_PARAMETERS)
        and name.split(":")[0] not in PUBLIC_NAMESPACES
    }


@dataclass(frozen=True)
class Rule:
    """Who may use a URL: `roles` in the survey's team; `others` is what anyone of those
    kinds of staff outside the team gets; `open_to` kinds may use it team or not."""

    roles: tuple[TeamRole, ...]
    others: str = HIDDEN
    open_to: tuple[TeamRole, ...] = ()

    def expected(self, role: TeamRole, member: bool) -> str:
        if role in self.open_to:
            return ALLOWED
        if role in self.roles:
            return ALLOWED if member else self.others
        return REFUSED


MANAGE = Rule((M,))
SUPERVISE = Rule((S,))
INTERVIEW = Rule((IV,))
WORK = Rule((S, IV))  # a case or an interview: a supervisor, or its interviewer
PUBLISHED = Rule((), open_to=(A,))  # disclosure-controlled tables: every analyst
UNROUNDED = Rule((A,), others=REFUSED)  # microdata: the survey's analysts
ANALYSE = Rule((A,))  # writing into a survey: its analysts
CODE = Rule((A, C))  # the coding queue (typed job titles): the survey's coders and analysts

SLUG: Callable[[World], dict[str, Any]] = lambda w: {"slug": w.survey.slug}  # noqa: E731


@dataclass
class World:
    survey: Survey
    other: Survey
    case: Case
    interview: Response
    people: dict[tuple[TeamRole, bool], User]
    codes_job: Job
    decision: CodingDecision | None = None
    letters: ContactRound | None = None


def _k(**extra: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"slug": w.survey.slug, **extra}


def _case(w: World) -> dict[str, Any]:
    return {"case_id": w.case.pk}


def _interview(**extra: Any) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"response_id": w.interview.pk, **extra}


GET, POST, BOTH = ("get",), ("post",), ("get", "post")
# name -> (rule, the address's arguments, the methods the view answers)
MATRIX: dict[str, tuple[Rule, Callable[[World], dict[str, Any]], tuple[str, ...]]] = {
    "manage:survey": (MANAGE, SLUG, GET),
    "manage:edit": (MANAGE, SLUG, BOTH),
    "manage:content": (MANAGE, SLUG, BOTH),
    "manage:team": (MANAGE, SLUG, BOTH),
    "manage:team-remove": (MANAGE, SLUG, POST),
    "manage:open": (MANAGE, SLUG, POST),
    "manage:close": (MANAGE, SLUG, BOTH),
    "manage:test-run": (MANAGE, SLUG, POST),
    "manage:test-clear": (MANAGE, SLUG, POST),
    "manage:preview": (MANAGE, _k(mode="online"), GET),
    "preview:question": (MANAGE, _k(mode="online", key="school_type"), BOTH),
    "preview:check": (MANAGE, _k(mode="online"), BOTH),
    "preview:confirmation": (MANAGE, _k(mode="online"), GET),
    "preview:job-title": (MANAGE, _k(mode="online"), BOTH),
    "preview:job-title-follow-up": (MANAGE, _k(mode="online"), BOTH),
    "preview:job-title-closest": (MANAGE, _k(mode="online"), BOTH),
    "preview:job-title-suggestions": (MANAGE, _k(mode="online"), GET),
    "manage:sample": (MANAGE, SLUG, GET),
    "manage:sample-upload": (MANAGE, SLUG, POST),
    "manage:sample-bulk": (MANAGE, SLUG, POST),
    "manage:sample-template": (MANAGE, SLUG, GET),
    "manage:regenerate-all": (MANAGE, SLUG, POST),
    "manage:codes-download": (
        MANAGE,
        lambda w: {"slug": w.survey.slug, "job_id": w.codes_job.pk},
        POST,
    ),
    "manage:case-add": (MANAGE, SLUG, BOTH),
    "manage:case": (MANAGE, lambda w: {"slug": w.survey.slug, "case_id": w.case.pk}, GET),
    "manage:case-edit": (MANAGE, lambda w: {"slug": w.survey.slug, "case_id": w.case.pk}, BOTH),
    "manage:case-withdraw": (
        MANAGE,
        lambda w: {"slug": w.survey.slug, "case_id": w.case.pk},
        BOTH,
    ),
    "manage:case-reinstate": (
        MANAGE,
        lambda w: {"slug": w.survey.slug, "case_id": w.case.pk},
        POST,
    ),
    "manage:case-not-eligible": (
        MANAGE,
        lambda w: {"slug": w.survey.slug, "case_id": w.case.pk},
        POST,
    ),
    "manage:case-regenerate": (
        MANAGE,
        lambda w: {"slug": w.survey.slug, "case_id": w.case.pk},
        BOTH,
    ),
    "manage:contacts": (MANAGE, SLUG, BOTH),
    "manage:outbox": (MANAGE, SLUG, GET),
    "manage:round": (MANAGE, lambda w: {"slug": w.survey.slug, "round_id": w.letters.pk}, GET),
    "manage:round-cancel": (
        MANAGE,
        lambda w: {"slug": w.survey.slug, "round_id": w.letters.pk},
        BOTH,
    ),
    "manage:letters-download": (
        MANAGE,
        lambda w: {"slug": w.survey.slug, "round_id": w.letters.pk, "name": CSV_FILE},
        GET,
    ),
    "manage:monitoring": (MANAGE, SLUG, GET),
    "manage:outcomes": (MANAGE, SLUG, GET),
    "manage:rates": (MANAGE, SLUG, GET),
    "supervise:progress": (SUPERVISE, SLUG, GET),
    "supervise:cases": (SUPERVISE, SLUG, BOTH),
    "supervise:unassigned-cases": (SUPERVISE, SLUG, POST),
    "supervise:case-assign": (SUPERVISE, _case, POST),
    "supervise:case-reopen": (SUPERVISE, _case, POST),
    "interview:start": (INTERVIEW, SLUG, BOTH),
    "interview:case-detail": (WORK, _case, GET),
    "interview:attempt": (WORK, _case, BOTH),
    "interview:case-start": (WORK, _case, POST),
    "interview:case-resume": (WORK, _case, POST),
    "interview:case-close": (WORK, _case, POST),
    "interview:case": (WORK, _interview(), GET),
    "interview:question": (WORK, _interview(key="school_type"), BOTH),
    "interview:check": (WORK, _interview(), BOTH),
    "interview:confirmation": (WORK, _interview(), GET),
    "interview:stop": (WORK, _interview(), BOTH),
    "interview:job-title": (WORK, _interview(), BOTH),
    "interview:job-title-follow-up": (WORK, _interview(), BOTH),
    "interview:job-title-closest": (WORK, _interview(), BOTH),
    "interview:job-title-suggestions": (WORK, _interview(), GET),
    "analysis:survey": (PUBLISHED, SLUG, GET),
    "analysis:workbook": (PUBLISHED, _k(classes="5"), GET),
    "analysis:workbook-ods": (PUBLISHED, _k(classes="5"), GET),
    "analysis:table-csv": (PUBLISHED, _k(key="school_type"), GET),
    "analysis:table-csv-metadata": (PUBLISHED, _k(key="school_type"), GET),
    "analysis:cross-table-csv": (PUBLISHED, _k(key="nssec5_by_nssec8"), GET),
    "analysis:cross-table-csv-metadata": (PUBLISHED, _k(key="nssec5_by_nssec8"), GET),
    "analysis:table-chart": (PUBLISHED, _k(key="school_type", extension="svg"), GET),
    "analysis:compare-index": (PUBLISHED, SLUG, GET),
    "analysis:compare": (PUBLISHED, _k(dimension="mode"), GET),
    "analysis:compare-download": (PUBLISHED, _k(dimension="mode", name="csv"), GET),
    "analysis:microdata": (UNROUNDED, _k(file_format="csv"), GET),
    "analysis:microdata-metadata": (UNROUNDED, SLUG, GET),
    "analysis:import": (ANALYSE, SLUG, BOTH),
    "coding:queue": (CODE, SLUG, GET),
    "coding:title": (CODE, lambda w: {"slug": w.survey.slug, "response_id": w.interview.pk}, BOTH),
    "coding:second": (CODE, lambda w: {"slug": w.survey.slug, "response_id": w.interview.pk}, BOTH),
    "coding:decisions": (CODE, SLUG, GET),
    "coding:undo": (CODE, lambda w: {"slug": w.survey.slug, "decision_id": w.decision.pk}, POST),
    "coding:double-coding": (ANALYSE, SLUG, POST),
    "api:survey": (PUBLISHED, SLUG, GET),
    "api:tables": (PUBLISHED, SLUG, GET),
    "api:table": (PUBLISHED, _k(key="school_type"), GET),
    "api:comparison": (PUBLISHED, _k(dimension="mode"), GET),
    "api:microdata": (UNROUNDED, SLUG, GET),
}


def test_every_survey_scoped_url_is_in_the_matrix() -> None:
    """A URL that names a survey, case or interview cannot escape the matrix."""
    scoped = survey_scoped_urls()
    assert sorted(set(scoped) - set(MATRIX)) == [], "add these URLs to MATRIX"
    assert sorted(set(MATRIX) - set(scoped)) == [], "these MATRIX rows name no URL"


def _person(username: str, role: TeamRole, survey: Survey) -> User:
    user = User.objects.create_user(username=username, password=None)
    user.groups.add(Group.objects.get_or_create(name=GROUP_OF[role])[0])
    if role is TeamRole.ANALYST:
        user.user_permissions.add(
            Permission.objects.get(
                content_type__app_label="classification", codename="view_unrounded"
            )
        )
    SurveyMember.objects.create(survey=survey, user=user, role=role)
    return user


@pytest.fixture
def world(make_survey: Callable[..., Survey]) -> World:
    """Survey A and survey B, each with one person of every role in its team; a case of
    A assigned to A's interviewer, with contact details, and an interview on it."""
    fields = {
        "access": Survey.Access.BOTH,
        "organisation": "Org",
        "contact_email": "a@example.org",
        "asks_job_title": True,
    }
    survey = make_survey("survey-a", name="Survey A", **fields)
    other = make_survey("survey-b", name="Survey B", **fields)
    people = {}
    for role in TeamRole:
        people[role, True] = _person(f"{role.value}-a", role, survey)
        people[role, False] = _person(f"{role.value}-b", role, other)
    case, _ = case_create(
        survey=survey,
        new=NewCase(
            reference="A-1",
            email="person@example.org",
            name="A Person",
            interviewer_id=people[IV, True].pk,
        ),
    )
    interview = response_start(
        survey=survey, mode=Mode.TELEPHONE, case=case, interviewer=people[IV, True]
    )
    # A job title of A's (the coding queue's pages name one) and a decision on another.
    JobTitle.objects.create(
        response=interview, text="Engineer", normalised="engineer", status="follow-up"
    )
    decision = CodingDecision.objects.create(
        survey=survey, normalised="zzz", uncodable=True, decided_by=people[A, True]
    )
    world = World(survey, other, case, interview, people, codes_job(survey, people[M, True]))
    world.decision = decision
    world.letters = letters_round(survey, people[M, True])
    return world


def letters_round(survey: Survey, owner: User) -> ContactRound:
    """A letter round of the survey whose print-supplier file is ready to download."""
    round_ = ContactRound.objects.create(
        survey=survey, kind=ContactRound.Kind.INVITATION, letters=True, created_by=owner
    )
    job = Job.objects.create(
        kind=SEND_ROUND,
        title="letters",
        owner=owner,
        status=Job.Status.SUCCEEDED,
        params={"round_id": round_.pk},
        result={"survey": survey.slug, "letters_csv": CSV_FILE, "letters": 0},
    )
    path = job_path(job, CSV_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"reference,name\r\n")
    return round_


def codes_job(survey: Survey, owner: User) -> Job:
    """A finished job of `owner`'s whose codes file is waiting to be downloaded, once."""
    job = Job.objects.create(
        kind=REGENERATE_CODES,
        title="codes",
        owner=owner,
        status=Job.Status.SUCCEEDED,
        result={"survey": survey.slug, "codes_file": CODES_FILE, "codes_rows": 0},
    )
    path = job_path(job, CODES_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"reference,access_code,link\r\n")
    return job


def outcome(response: Any) -> str:
    if response.status_code in (403, 404):
        return str(response.status_code)
    if response.status_code in (301, 302) and "/staff/login/" in response["Location"]:
        return "sign-in"
    return ALLOWED


def ask(world: World, user: User, name: str, method: str) -> str:
    _, arguments, _ = MATRIX[name]
    if name == "manage:codes-download":
        # The file goes to its job's owner, once: each asker has a job of their own waiting.
        world.codes_job = codes_job(world.survey, user)
    url = reverse(name, kwargs=arguments(world))
    client = Client()
    headers = {}
    if name.startswith("api:"):
        headers["Authorization"] = f"Bearer {token_create(user=user, name='matrix')[1]}"
    else:
        client.force_login(user)
    return outcome(getattr(client, method)(url, headers=headers))


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_in_or_out_of_the_team_gets_what_the_guard_says(
    name: str, world: World, settings: Any
) -> None:
    """Every kind of staff, in survey A's team or only in B's, on every method."""
    settings.NOTIFY_BACKEND = "local"
    rule, _, methods = MATRIX[name]
    wrong = []
    for method in methods:
        for role in TeamRole:
            for member in (True, False):
                got = ask(world, world.people[role, member], name, method)
                want = rule.expected(role, member)
                if got != want:
                    team = "A's" if member else "B's"
                    wrong.append(
                        f"{method.upper()} by {role.value} of {team} team: {got}, not {want}"
                    )
    assert wrong == []


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_staff_with_the_all_surveys_permission_and_superusers_reach_every_survey(
    name: str, world: World, settings: Any
) -> None:
    """The all-surveys permission stands in for a place in every team; a superuser holds
    every role. They ask as the first kind of staff the URL's rule names (a supervisor,
    for a case: an interviewer works only the cases assigned to them, everywhere)."""
    settings.NOTIFY_BACKEND = "local"
    rule, _, methods = MATRIX[name]
    role = (rule.roles or rule.open_to)[0]
    everywhere = User.objects.create_user(username=f"all-{uuid.uuid4().hex[:8]}", password=None)
    everywhere.groups.add(Group.objects.get_or_create(name=GROUP_OF[role])[0])
    everywhere.user_permissions.add(
        Permission.objects.get(content_type__app_label="surveys", codename="all_surveys"),
        Permission.objects.get(content_type__app_label="classification", codename="view_unrounded"),
    )
    superuser = User.objects.create_user(
        username=f"root-{uuid.uuid4().hex[:8]}", password=None, is_superuser=True, is_staff=True
    )
    for method in methods:
        assert ask(world, everywhere, name, method) == ALLOWED, (method, "all surveys")
        assert ask(world, superuser, name, method) == ALLOWED, (method, "superuser")


# Commands: run by operators with the database's rights, for the service. Those that
# name people say here what they do with them (docs/spec/access.md).
COMMANDS_NAMING_PEOPLE = {
    "api_token": "makes a token for an analyst, which then acts as them (others are refused)",
    "create_survey": "names the survey's first managers (of the manager kind only)",
    "survey_team": "changes a team (each person of the role's kind only), audited",
}
PERSON_ARGUMENTS = {"username", "user", "owner", "actor", "as_user", "manager", "add", "remove"}


def test_no_command_acts_for_a_person_without_saying_so() -> None:
    """A command that takes a person (to act as, or to give access to) is listed, so a
    new one is looked at before it can hand out access."""
    from django.core.management import get_commands, load_command_class

    ours = {"surveys", "classification", "api", "jobs"}
    naming = set()
    for name, app in get_commands().items():
        if app not in ours:
            continue
        parser = load_command_class(app, name).create_parser("manage.py", name)
        if PERSON_ARGUMENTS & {action.dest for action in parser._actions}:
            naming.add(name)
    assert naming == set(COMMANDS_NAMING_PEOPLE)
