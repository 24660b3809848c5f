"""`seb.case_actions` applied to the database: a case's state for the rules, and the
same rules as a filter for the lists that offer cases to be worked."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from seb.case_actions import FINAL_OUTCOMES, CaseState, why_not_worked
from seb.fieldwork import Outcome

from ..models import Case


def case_state(case: Case, now: datetime | None = None) -> CaseState:
    closes_at = case.survey.closes_at
    return CaseState(
        reference=case.reference,
        outcome=Outcome(case.outcome),
        withdrawn=case.withdrawn_at is not None,
        opted_out=case.opted_out_at is not None,
        not_eligible=case.not_eligible_at is not None,
        closed=case.closed_at is not None,
        survey_closed=closes_at is not None and closes_at <= (now or timezone.now()),
    )


def case_work_refusal(case: Case) -> str:
    """Why the case must not be worked now, in words; empty when it may be."""
    return why_not_worked(case_state(case))


def not_worked(now: datetime) -> Q:
    """`seb.case_actions.why_not_worked` as a filter: the cases that must not be worked."""
    return (
        Q(outcome__in=[outcome.value for outcome in FINAL_OUTCOMES])
        | Q(withdrawn_at__isnull=False)
        | Q(opted_out_at__isnull=False)
        | Q(not_eligible_at__isnull=False)
        | Q(closed_at__isnull=False)
        | Q(survey__closes_at__lte=now)
    )
