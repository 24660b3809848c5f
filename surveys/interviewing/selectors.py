"""What an interviewer or supervisor may work: their interviews, cases and caseload,
and a case's facts for its page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from seb.caseload import CaseFacts, CaseList
from seb.fieldwork import Outcome
from seb.standard import Mode

from ..access import INTERVIEWER, SUPERVISOR, surveys_for
from ..fieldwork.monitoring import done_cases, today_bounds
from ..models import (
    Case,
    PendingAnswer,
    Response,
    Survey,
    TeamRole,
)

INTERVIEW_MODES = tuple(mode for mode in Mode if mode.is_interviewer_led)


# The kinds of staff who work on cases and interviews.
WORKERS = (INTERVIEWER, SUPERVISOR)


def surveys_open_for_interviews() -> QuerySet[Survey]:
    """Open surveys that offer face-to-face or telephone interviews, by name."""
    now = timezone.now()
    return (
        Survey.objects.filter(Q(offers_face_to_face=True) | Q(offers_telephone=True))
        .filter(is_draft=False)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .order_by("name")
    )


def interviews_for(user: Any, roles: Sequence[str] = WORKERS) -> QuerySet[Response]:
    """The interviews a user may work on (`surveys.access`): a supervisor, any of the
    surveys they supervise; an interviewer, those on the cases assigned to them (and
    any they started that has no case) in the surveys they interview for."""
    interviews = Response.objects.filter(mode__in=INTERVIEW_MODES)
    supervised, interviewed = _worked_surveys(user, roles)
    return interviews.filter(
        Q(survey__in=supervised)
        | (
            Q(survey__in=interviewed)
            & (Q(case__interviewer=user) | Q(case__isnull=True, interviewer=user))
        )
    )


def own_case(user: Any, response_id: Any) -> Response:
    """An interview the user may work on, or 404: anyone else's is not theirs to know of."""
    return get_object_or_404(interviews_for(user).select_related("survey", "case"), pk=response_id)


def unfinished_interview(case: Case) -> Response | None:
    """The case's latest interview that is not complete (in progress, stopped or
    abandoned), if any: the one to carry on with."""
    return (
        Response.objects.filter(case=case, mode__in=INTERVIEW_MODES, is_test=False)
        .exclude(status=Response.Status.COMPLETE)
        .order_by("-updated_at")
        .first()
    )


def _worked_surveys(user: Any, roles: Sequence[str]) -> tuple[QuerySet[Survey], QuerySet[Survey]]:
    """The surveys the user supervises and those they interview for, among `roles`."""
    supervised = (
        surveys_for(user, TeamRole.SUPERVISOR) if SUPERVISOR in roles else Survey.objects.none()
    )
    interviewed = (
        surveys_for(user, TeamRole.INTERVIEWER) if INTERVIEWER in roles else Survey.objects.none()
    )
    return supervised, interviewed


def cases_for(user: Any, roles: Sequence[str] = WORKERS) -> QuerySet[Case]:
    """The cases a user may see in `roles`: a supervisor, every case of the surveys they
    supervise; an interviewer, their own cases of the surveys they interview for."""
    supervised, interviewed = _worked_surveys(user, roles)
    return Case.objects.select_related("survey", "interviewer").filter(
        Q(survey__in=supervised) | Q(survey__in=interviewed, interviewer=user)
    )


def case_for(user: Any, case_id: Any, roles: Sequence[str] = WORKERS) -> Case:
    """One case the user may see in `roles`, or 404."""
    return get_object_or_404(cases_for(user, roles), pk=case_id)


def caseload(
    cases: QuerySet[Case], *, show: CaseList | None, search: str = "", now: datetime
) -> QuerySet[Case]:
    """A list of cases, filtered and in working order, each annotated with its
    unfinished interview (`unfinished_id`, `unfinished_status`).

    A search by reference looks through every list. To do and today: appointments
    due soonest first, then the cases worked least recently. Done: the latest first.
    """
    done = done_cases(now)
    if search:
        cases = cases.filter(reference__icontains=search)
    elif show is CaseList.DONE:
        cases = cases.filter(done)
    elif show is CaseList.TODAY:
        start, end = today_bounds(now)
        cases = cases.exclude(done).filter(
            next_appointment_at__gte=start, next_appointment_at__lt=end
        )
    elif show is CaseList.TO_DO:
        cases = cases.exclude(done)
    unfinished = (
        Response.objects.filter(case=OuterRef("pk"), mode__in=INTERVIEW_MODES, is_test=False)
        .exclude(status=Response.Status.COMPLETE)
        .order_by("-updated_at")
    )
    cases = cases.annotate(
        unfinished_id=Subquery(unfinished.values("pk")[:1]),
        unfinished_status=Subquery(unfinished.values("status")[:1]),
    )
    if show is CaseList.DONE and not search:
        return cases.order_by(F("last_activity_at").desc(nulls_last=True), "reference", "pk")
    return cases.order_by(
        F("next_appointment_at").asc(nulls_last=True),
        F("last_activity_at").asc(nulls_first=True),
        "reference",
        "pk",
    )


def case_facts(case: Case, now: datetime) -> CaseFacts:
    """What `seb.caseload` needs to know of a case (annotated by `caseload`, or not)."""
    if hasattr(case, "unfinished_id"):
        has_unfinished = case.unfinished_id is not None
    else:
        has_unfinished = unfinished_interview(case) is not None
    return CaseFacts(
        outcome=Outcome(case.outcome),
        in_progress=case.in_progress,
        closed=case.closed_at is not None,
        withdrawn=case.withdrawn_at is not None,
        survey_closed=case.survey.has_closed(now),
        opted_out=case.opted_out_at is not None,
        not_eligible=case.not_eligible_at is not None,
        attempt_count=case.attempt_count,
        next_appointment_at=case.next_appointment_at,
        unfinished_interview=has_unfinished,
    )


def pending_answers(user: Any) -> QuerySet[PendingAnswer]:
    """Answers the user posted after their session ended, not yet saved or dismissed."""
    return PendingAnswer.objects.filter(user=user).select_related("response", "response__survey")
