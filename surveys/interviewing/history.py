"""A case's history: its attempts, responses and messages, in order, for its page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from seb.fieldwork import AttemptOutcome
from seb.standard import Mode

from ..access import person
from ..models import (
    Attempt,
    Case,
    Message,
    Response,
)


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One thing that happened to a case: when, what, who, how, and any note."""

    at: datetime
    what: str
    who: str = ""
    mode: str = ""
    detail: str = ""
    note: str = ""


def case_history(case: Case) -> list[HistoryEntry]:
    """Everything that happened to the case, latest first: calls and visits with their
    outcomes and notes, interviews started, resumed, stopped, completed or abandoned,
    answers online, messages, and the case being closed, withdrawn or opted out."""
    started: set[Any] = set()
    # The attempts first: a response's entries leave out what its attempts said.
    entries = [
        *_attempt_entries(case, started),
        *(
            entry
            for response in _case_responses(case)
            for entry in _response_entries(response, started)
        ),
        *_message_entries(case),
        *(
            HistoryEntry(at, what)
            for at, what in (
                (case.opted_out_at, "Opted out: asked for no more contact"),
                (case.not_eligible_at, "Marked not eligible"),
                (case.closed_at, "Case closed: no more calls or visits"),
                (case.withdrawn_at, "Withdrawn from the sample"),
            )
            if at is not None
        ),
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _attempt_entries(case: Case, started: set[Any]) -> list[HistoryEntry]:
    """The case's calls and visits, each with the stop of the interview it started;
    `started` gathers the responses an attempt started or resumed."""
    entries = []
    attempts = Attempt.objects.filter(case=case).select_related("interviewer").order_by("at", "pk")
    for attempt in attempts:
        mode = Mode(attempt.mode).label
        what = AttemptOutcome(attempt.outcome).label
        detail = ""
        if attempt.outcome == AttemptOutcome.INTERVIEW_STARTED.value:
            if attempt.response_id in started:
                what = "Interview resumed"
            started.add(attempt.response_id)
        elif attempt.appointment_at is not None:
            local = timezone.localtime(attempt.appointment_at)
            detail = f"Appointment: {local:%A %-d %B %Y, %H:%M}"
        who = person(attempt.interviewer)
        entries.append(HistoryEntry(attempt.at, what, who, mode, detail, attempt.note))
        if attempt.ended_at is not None:
            reason = Response.StopReason(attempt.end).label if attempt.end else ""
            entries.append(HistoryEntry(attempt.ended_at, "Interview stopped", who, mode, reason))
    return entries


def _case_responses(case: Case) -> QuerySet[Response]:
    return Response.objects.filter(case=case).select_related("interviewer", "survey")


def _response_entries(response: Response, started: set[Any]) -> list[HistoryEntry]:
    """A response's start and its end (complete, abandoned or stopped), less what the
    attempts that started it (`started`) already say."""
    mode = Mode(response.mode).label
    who = person(response.interviewer)
    interview = Mode(response.mode).is_interviewer_led
    if response.is_test:
        return [HistoryEntry(response.started_at, "Test response (not counted)", who, mode)]
    entries = []
    if not interview:
        entries.append(HistoryEntry(response.started_at, "Started answering online", mode=mode))
    elif response.pk not in started:
        entries.append(HistoryEntry(response.started_at, "Interview started", who, mode))
    if response.status == Response.Status.COMPLETE and response.completed_at:
        what = "Interview complete" if interview else "Completed online"
        entries.append(HistoryEntry(response.completed_at, what, who, mode))
    elif response.status == Response.Status.ABANDONED:
        detail = f"No answer for {response.survey.inactivity_days} days, or the survey closed"
        entries.append(HistoryEntry(response.updated_at, "Abandoned", who, mode, detail))
    elif response.status == Response.Status.STOPPED and response.pk not in started:
        reason = Response.StopReason(response.stop_reason).label
        entries.append(HistoryEntry(response.updated_at, "Interview stopped", who, mode, reason))
    return entries


def _message_entries(case: Case) -> list[HistoryEntry]:
    return [
        HistoryEntry(
            message.sent_at or message.created_at,
            f"{message.round.get_kind_display()} sent by {message.get_channel_display().lower()}",
            detail=message.get_status_display(),
        )
        for message in Message.objects.filter(case=case).select_related("round")
    ]
