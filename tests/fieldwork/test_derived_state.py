"""A case's derived state and the tallies are written in the transaction of the change
that moves them: a crash after any write of any service leaves every case and tally
consistent with the facts; `cases_refresh` changes nothing on a consistent survey and
restores a damaged one (docs/spec/fieldwork.md, "Derived state")."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from seb.fieldwork import AttemptOutcome
from seb.standard import Mode
from surveys.fieldwork import attempts, cases, contacts, derived, issuing
from surveys.fieldwork.derived import DERIVED_FIELDS, derived_state, facts_of
from surveys.interviewing import services as interviewing
from surveys.models import Case, CaseTally, ContactRound, Message, Response, ResponseTally, Survey
from surveys.responses import bulk, lifecycle, rederive, tallies
from surveys.responses.refresh import CASE_TALLY_COLUMNS, survey_refresh
from tests.conftest import STATE_EMPLOYEE_CLERICAL, assert_tallies_match

pytestmark = pytest.mark.django_db

WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


class Crash(Exception):
    """The process died here."""


class CrashAfter:
    """A database wrapper that lets `writes` write statements through, then crashes
    before the next one: a crash straight after the `writes`-th write."""

    def __init__(self, writes: int | None) -> None:
        self.allowed = writes
        self.writes = 0

    def __call__(self, execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if WRITE.match(sql):
            if self.allowed is not None and self.writes >= self.allowed:
                raise Crash(sql[:80])
            self.writes += 1
        return execute(sql, *args)


def assert_consistent(survey: Survey) -> None:
    """Every case's stored derived state is what its facts derive, the case tally counts
    the cases, and the response tallies count the complete responses."""
    stored = list(Case.objects.filter(survey=survey).order_by("pk"))
    facts = facts_of([case.pk for case in stored])
    for case in stored:
        wanted = derived_state(case, facts[case.pk])
        found = {name: getattr(case, name) for name in DERIVED_FIELDS}
        assert found == wanted, case.reference
    counted = Counter(
        {
            tuple(str(row[name]) for name in CASE_TALLY_COLUMNS): row["n"]
            for row in Case.objects.filter(survey=survey, withdrawn_at__isnull=True)
            .order_by()
            .values(*CASE_TALLY_COLUMNS)
            .annotate(n=Count("*"))
        }
    )
    tallied = Counter()
    for row in CaseTally.objects.filter(survey=survey).values(*CASE_TALLY_COLUMNS, "count"):
        tallied[tuple(str(row[name]) for name in CASE_TALLY_COLUMNS)] += row["count"]
    assert +tallied == counted
    assert_tallies_match(survey)


# The services under test. Each scenario makes what its service needs through the
# services (so it starts consistent) and returns the one change under test.

Act = Callable[[], object]


@dataclass
class World:
    survey: Survey
    interviewer: Any
    case: Case
    other: Case


def _started_online(world: World) -> Response:
    return lifecycle.response_start(survey=world.survey, mode=Mode.ONLINE, case=world.case)


def _answered(world: World, answers: Mapping[str, str] = STATE_EMPLOYEE_CLERICAL) -> Response:
    response = _started_online(world)
    for key, code in answers.items():
        lifecycle.answer_record(response_id=response.pk, question_key=key, code=code)
    response.refresh_from_db()
    return response


def _interview(world: World) -> Response:
    return interviewing.interview_start(
        case=world.case, mode=Mode.TELEPHONE, interviewer=world.interviewer
    )


def _stopped_interview(world: World) -> Response:
    response = _interview(world)
    return interviewing.interview_stop(response_id=response.pk, reason="broke_off")


def _message(world: World, status: str) -> Message:
    round_ = ContactRound.objects.create(survey=world.survey, kind="invitation")
    return Message.objects.create(
        round=round_,
        case=world.case,
        channel="email",
        to="someone@example.org",
        status=status,
        provider_id=f"provider-{round_.pk}",
        sent_at=timezone.now(),
    )


class Undeliverable:
    """A backend whose every message turned out undeliverable."""

    def statuses(self, waiting: Mapping[str, datetime]) -> dict[str, str]:
        return dict.fromkeys(waiting, "permanent_failure")


def response_start(world: World) -> Act:
    return lambda: _started_online(world)


def answer_record(world: World) -> Act:
    response = _started_online(world)
    return lambda: lifecycle.answer_record(
        response_id=response.pk, question_key="school_type", code="state"
    )


def answer_record_over_a_read(world: World) -> Act:
    read = _started_online(world)
    return lambda: lifecycle.answer_record(
        response_id=read.pk, question_key="school_type", code="state", seen=read
    )


def response_submit(world: World) -> Act:
    answered = _answered(world)
    return lambda: lifecycle.response_submit(response_id=answered.pk, revision=answered.revision)


def response_stop(world: World) -> Act:
    started = _answered(world, {"school_type": "state"})
    return lambda: lifecycle.response_stop(response_id=started.pk, reason="refused")


def response_resume(world: World) -> Act:
    stopped = _stopped_interview(world)
    return lambda: lifecycle.response_resume(response_id=stopped.pk)


def responses_abandon(world: World) -> Act:
    _answered(world, {"school_type": "state"})
    return lambda: lifecycle.responses_abandon(now=timezone.now() + timedelta(days=30))


def responses_create(world: World) -> Act:
    done = bulk.complete(world.survey, Mode.ONLINE, STATE_EMPLOYEE_CLERICAL)
    rows = [
        bulk.NewResponse(complete=done, case_id=world.case.pk),
        bulk.NewResponse(complete=done, case_id=world.other.pk),
    ]
    return lambda: bulk.responses_create(survey=world.survey, responses=rows)


def responses_rederive(world: World) -> Act:
    response = _answered(world)
    lifecycle.response_submit(response_id=response.pk, revision=response.revision)
    # A class as an older rule would have stored it, with tallies that count it.
    Response.objects.filter(pk=response.pk).update(nssec5="5", nssec3="3")
    tallies.tallies_rebuild(survey=world.survey)
    return lambda: rederive.responses_rederive(survey=world.survey)


def interview_start(world: World) -> Act:
    return lambda: _interview(world)


def interview_stop(world: World) -> Act:
    started = _interview(world)
    return lambda: interviewing.interview_stop(response_id=started.pk, reason="broke_off")


def interview_resume(world: World) -> Act:
    stopped = _stopped_interview(world)
    return lambda: interviewing.interview_resume(
        response_id=stopped.pk, interviewer=world.interviewer
    )


def call_or_visit_record(world: World) -> Act:
    return lambda: attempts.call_or_visit_record(
        case=world.case,
        interviewer=world.interviewer,
        mode=Mode.FACE_TO_FACE,
        outcome=AttemptOutcome.REFUSAL,
    )


def attempt_record(world: World) -> Act:
    return lambda: attempts.attempt_record(
        case=world.case,
        interviewer=world.interviewer,
        mode=Mode.TELEPHONE,
        outcome=AttemptOutcome.APPOINTMENT,
        appointment_at=timezone.now() + timedelta(days=1),
    )


def case_update(world: World) -> Act:
    return lambda: cases.case_update(case=world.case, interviewer=None)


def case_withdraw(world: World) -> Act:
    return lambda: cases.case_withdraw(case=world.case)


def case_opt_out(world: World) -> Act:
    return lambda: cases.case_opt_out(case=world.case)


def case_mark_not_eligible(world: World) -> Act:
    return lambda: cases.case_mark_not_eligible(case=world.case)


def case_close(world: World) -> Act:
    return lambda: cases.case_close(case=world.case)


def case_reopen(world: World) -> Act:
    closed = cases.case_close(case=world.case)
    return lambda: cases.case_reopen(case=closed)


def message_statuses_update(world: World) -> Act:
    _message(world, "sent")
    return lambda: contacts.message_statuses_update(backend=Undeliverable())  # type: ignore[arg-type]


def round_queue(world: World) -> Act:
    _message(world, "sent")
    contacts.message_statuses_update(backend=Undeliverable())  # type: ignore[arg-type]
    assert Case.objects.get(pk=world.case.pk).outcome == "3.20"
    reminder = ContactRound.objects.create(survey=world.survey, kind="reminder")
    return lambda: contacts.round_queue(reminder)


SCENARIOS: dict[str, Callable[[World], Act]] = {
    scenario.__name__: scenario
    for scenario in (
        response_start,
        answer_record,
        answer_record_over_a_read,
        response_submit,
        response_stop,
        response_resume,
        responses_abandon,
        responses_create,
        responses_rederive,
        interview_start,
        interview_stop,
        interview_resume,
        call_or_visit_record,
        attempt_record,
        case_update,
        case_withdraw,
        case_opt_out,
        case_mark_not_eligible,
        case_close,
        case_reopen,
        message_statuses_update,
        round_queue,
    )
}


@pytest.fixture
def world(make_survey, interviewer) -> World:
    survey = make_survey()
    made = [
        cases.case_create(
            survey=survey,
            new=issuing.NewCase(
                reference=reference,
                email="someone@example.org",
                interviewer_id=interviewer.pk,
                variables={"region": "north"},
            ),
        )[0]
        for reference in ("A1", "A2")
    ]
    return World(survey=survey, interviewer=interviewer, case=made[0], other=made[1])


def crash_after_each_write(world: World, scenario: Callable[[World], Act]) -> int:
    """Run the scenario's change once to count its writes, then once more for each
    write, crashing straight after it; after each run, check the survey. The number
    of writes."""
    counting = CrashAfter(None)
    sid = transaction.savepoint()
    act = scenario(world)
    with connection.execute_wrapper(counting):
        act()
    assert_consistent(world.survey)
    transaction.savepoint_rollback(sid)
    for writes in range(counting.writes):
        sid = transaction.savepoint()
        world.case.refresh_from_db()
        world.other.refresh_from_db()
        act = scenario(world)
        with connection.execute_wrapper(CrashAfter(writes)), pytest.raises(Crash):
            try:
                act()
            finally:
                # The statement that crashed never ran, and what ran outside the service's
                # own transactions stays, as it would have been committed on its own.
                transaction.set_rollback(False)
        assert_consistent(world.survey)
        transaction.savepoint_rollback(sid)
    return counting.writes


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_a_crash_after_any_write_of_a_service_leaves_cases_and_tallies_consistent(
    world: World, name: str
) -> None:
    assert crash_after_each_write(world, SCENARIOS[name]) > 0


def test_a_change_whose_derived_state_is_written_in_a_transaction_of_its_own_is_caught(
    world: World,
) -> None:
    """The check above can fail: an opt-out written before, and apart from, its case's
    derived state leaves the case wrong when the process dies between the two."""

    def opt_out_in_two_transactions(world: World) -> Act:
        def act() -> None:
            Case.objects.filter(pk=world.case.pk).update(opted_out_at=timezone.now())
            derived.case_refresh(case_id=world.case.pk)

        return act

    with pytest.raises(AssertionError, match="A1"):
        crash_after_each_write(world, opt_out_in_two_transactions)


# cases_refresh -------------------------------------------------------------------


def snapshot(survey: Survey) -> dict[str, object]:
    """Every stored row of the survey's cases and tallies, keys included."""
    return {
        "cases": list(Case.objects.filter(survey=survey).order_by("pk").values()),
        "case tally": sorted(
            map(str, CaseTally.objects.filter(survey=survey).order_by("pk").values())
        ),
        "response tallies": list(
            ResponseTally.objects.filter(survey=survey).order_by("pk").values()
        ),
    }


@pytest.fixture
def worked(world: World) -> World:
    """A survey with some of everything: a complete case, an appointment, a refusal."""
    for scenario in (response_submit, attempt_record):
        scenario(world)()
    cases.case_opt_out(case=world.other)
    return world


def test_cases_refresh_changes_nothing_on_a_consistent_survey(worked: World) -> None:
    before = snapshot(worked.survey)
    out = StringIO()

    call_command("cases_refresh", "--survey", worked.survey.slug, stdout=out)

    assert snapshot(worked.survey) == before
    assert "already right" in out.getvalue()


def test_cases_refresh_restores_a_damaged_survey(worked: World) -> None:
    before = snapshot(worked.survey)
    Case.objects.filter(survey=worked.survey).update(
        outcome="3.10", attempt_count=0, completed_at=None, last_activity_at=None
    )
    with connection.cursor() as cursor:  # writes the triggers would not have made
        cursor.execute("UPDATE surveys_casetally SET count = count + 5")
    ResponseTally.objects.filter(survey=worked.survey).delete()
    out = StringIO()

    call_command("cases_refresh", "--survey", worked.survey.slug, stdout=out)

    assert_consistent(worked.survey)
    after = snapshot(worked.survey)
    assert after["cases"] == before["cases"]
    assert "2 cases derived again" in out.getvalue()
    assert "case tally counted again" in out.getvalue()
    assert "response tallies counted again" in out.getvalue()
    # Run again, it finds nothing more to do.
    assert not survey_refresh(survey=worked.survey).changed


def test_cases_refresh_of_a_large_survey_is_a_background_job(
    worked: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jobs.models import Job
    from surveys.management.commands import cases_refresh

    monkeypatch.setattr(cases_refresh, "BACKGROUND_FROM", 1)
    Case.objects.filter(survey=worked.survey).update(outcome="3.10")
    out = StringIO()

    call_command("cases_refresh", stdout=out)

    # The test settings' queue runs a job as soon as it is queued.
    job = Job.objects.get(kind="refresh_cases")
    assert f"job {job.pk}" in out.getvalue()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert "2 cases derived again" in job.result["summary"]
    assert_consistent(worked.survey)
