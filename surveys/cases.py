"""A case's derived state: its outcome, mode, attempts and next appointment.

`case_refresh` is called by every service that changes something a case's
outcome depends on (a response, an attempt, a message, an opt-out); it reads the
case's history and writes what `seb.fieldwork.case_outcome` derives from it. So
a case's outcome is never typed, and the monitoring pages and rates files are a
GROUP BY over cases at any size.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from seb.fieldwork import AttemptEvent, AttemptOutcome, CaseHistory, ResponseEvent, case_outcome

from .models import Attempt, Case, Message, Response

# A response is "derivable" (fieldwork.md's partial) once its route has reached its
# last question: every question before it is answered, so NS-SEC can be derived.
DERIVABLE_AT = ("parental_qualification", "")


def case_refresh(*, case_id: Any) -> Case:
    """Derive the case's outcome and the rest of its state again, and store them."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        responses = list(
            Response.objects.filter(case_id=case_id, is_test=False)
            .order_by("updated_at")
            .values("status", "updated_at", "next_question", "stop_reason", "mode", "completed_at")
        )
        attempts = list(
            Attempt.objects.filter(case_id=case_id)
            .order_by("at")
            .values("outcome", "at", "appointment_at", "mode")
        )
        statuses = list(Message.objects.filter(case_id=case_id).values_list("status", "status_at"))
        history = CaseHistory(
            responses=[
                ResponseEvent(
                    status=row["status"],
                    at=row["updated_at"],
                    derivable=row["next_question"] in DERIVABLE_AT,
                    stop_reason=row["stop_reason"],
                )
                for row in responses
            ],
            attempts=[AttemptEvent(AttemptOutcome(row["outcome"]), row["at"]) for row in attempts],
            message_statuses=[status for status, _ in statuses],
            opted_out_at=case.opted_out_at,
            not_eligible_at=case.not_eligible_at,
        )
        derived = case_outcome(history)
        case.outcome = derived.outcome.value
        case.in_progress = derived.in_progress
        case.mode = responses[-1]["mode"] if responses else case.preferred_mode
        case.attempt_count = len(attempts)
        latest = attempts[-1] if attempts else None
        case.next_appointment_at = (
            latest["appointment_at"]
            if latest
            and latest["outcome"] == AttemptOutcome.APPOINTMENT.value
            and derived.outcome.value != "1.1"
            else None
        )
        complete = [row["completed_at"] for row in responses if row["status"] == "complete"]
        case.completed_at = complete[-1] if complete else None
        moments = [
            *(row["updated_at"] for row in responses),
            *(row["at"] for row in attempts),
            *(at for _, at in statuses if at is not None),
        ]
        case.last_activity_at = max(moments) if moments else None
        case.save(
            update_fields=[
                "outcome",
                "in_progress",
                "mode",
                "attempt_count",
                "next_appointment_at",
                "completed_at",
                "last_activity_at",
            ]
        )
    return case
