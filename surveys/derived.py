"""A case's derived state: its outcome and the rest, derived from the facts.

A case's outcome, mode, attempt count, next appointment, completion and last
activity are never typed: they are derived (`seb.fieldwork.case_outcome`) from its
responses, attempts and messages and stored on the case, so outcomes and rates
are one GROUP BY at any size. Every service that changes one of those facts calls
`case_refresh` in the transaction that changes it, so a crash between the two
leaves neither; `cases_derive` derives many cases again in batches (the repair
`manage.py cases_refresh` runs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from django.db import transaction
from django.db.models import QuerySet

from seb.fieldwork import (
    AttemptEvent,
    AttemptOutcome,
    CaseHistory,
    Outcome,
    ResponseEvent,
    case_outcome,
)
from seb.routing import nssec_derivable
from seb.statuses import ResponseStatus

from .models import Attempt, Case, Message, Response

DERIVED_FIELDS: Final = (
    "outcome",
    "in_progress",
    "mode",
    "attempt_count",
    "next_appointment_at",
    "completed_at",
    "last_activity_at",
)
# What else of the case its derived state is derived from.
CASE_FACTS: Final = ("preferred_mode", "opted_out_at", "not_eligible_at")
BATCH_SIZE: Final = 2_000


@dataclass(slots=True)
class CaseFacts:
    """What happened to one case: its responses (test runs aside) and attempts in the
    order they happened, and its messages' statuses with their times."""

    responses: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    messages: list[tuple[str, Any]] = field(default_factory=list)


def facts_of(case_ids: Sequence[Any]) -> dict[Any, CaseFacts]:
    """The facts of each case, read with three queries whatever the number of cases."""
    found = {case_id: CaseFacts() for case_id in case_ids}
    responses = (
        Response.objects.filter(case_id__in=case_ids, is_test=False)
        .order_by("updated_at", "pk")
        .values(
            "case_id",
            "status",
            "updated_at",
            "next_question",
            "stop_reason",
            "mode",
            "completed_at",
        )
    )
    for row in responses:
        found[row["case_id"]].responses.append(row)
    attempts = (
        Attempt.objects.filter(case_id__in=case_ids)
        .order_by("at", "pk")
        .values("case_id", "outcome", "at", "appointment_at", "mode")
    )
    for row in attempts:
        found[row["case_id"]].attempts.append(row)
    messages = Message.objects.filter(case_id__in=case_ids).values_list(
        "case_id", "status", "status_at"
    )
    for case_id, status, status_at in messages:
        found[case_id].messages.append((status, status_at))
    return found


def derived_state(case: Case, facts: CaseFacts) -> dict[str, Any]:
    """The case's derived fields (DERIVED_FIELDS), from its facts."""
    responses, attempts = facts.responses, facts.attempts
    history = CaseHistory(
        responses=[
            ResponseEvent(
                status=row["status"],
                at=row["updated_at"],
                derivable=nssec_derivable(row["next_question"]),
                stop_reason=row["stop_reason"],
            )
            for row in responses
        ],
        attempts=[AttemptEvent(AttemptOutcome(row["outcome"]), row["at"]) for row in attempts],
        message_statuses=[status for status, _ in facts.messages],
        opted_out_at=case.opted_out_at,
        not_eligible_at=case.not_eligible_at,
    )
    derived = case_outcome(history)
    latest = attempts[-1] if attempts else None
    appointment = (
        latest["appointment_at"]
        if latest
        and latest["outcome"] == AttemptOutcome.APPOINTMENT.value
        and derived.outcome is not Outcome.COMPLETE
        else None
    )
    complete = [
        row["completed_at"] for row in responses if row["status"] == ResponseStatus.COMPLETE
    ]
    moments = [
        *(row["updated_at"] for row in responses),
        *(row["at"] for row in attempts),
        *(at for _, at in facts.messages if at is not None),
    ]
    return {
        "outcome": derived.outcome.value,
        "in_progress": derived.in_progress,
        "mode": responses[-1]["mode"] if responses else case.preferred_mode,
        "attempt_count": len(attempts),
        "next_appointment_at": appointment,
        "completed_at": complete[-1] if complete else None,
        "last_activity_at": max(moments) if moments else None,
    }


def _changed_fields(case: Case, derived: dict[str, Any]) -> list[str]:
    """Set the derived values on `case`; the names of those that differed."""
    changed = [name for name, value in derived.items() if getattr(case, name) != value]
    for name in changed:
        setattr(case, name, derived[name])
    return changed


def case_refresh(*, case_id: Any) -> Case:
    """Derive the case's state again from its facts, and store what changed (in the
    caller's transaction, when there is one, with the change that called for it)."""
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        changed = _changed_fields(case, derived_state(case, facts_of([case.pk])[case.pk]))
        if changed:
            case.save(update_fields=changed)
    return case


@dataclass(frozen=True, slots=True)
class Derived:
    """What `cases_derive` did: cases examined, and those whose stored state was wrong."""

    examined: int = 0
    changed: int = 0


def cases_derive(
    *,
    cases: QuerySet[Case],
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
) -> Derived:
    """Derive `cases` again from their facts and store what differs, in batches by
    primary key, each batch locked and written in a transaction of its own: a long
    run holds few rows at once, and may be stopped and run again."""
    examined = changed = 0
    last: Any = None
    page = cases.order_by("pk").only("pk", *CASE_FACTS, *DERIVED_FIELDS)
    while True:
        with transaction.atomic():
            batch = list(
                (page if last is None else page.filter(pk__gt=last)).select_for_update()[
                    :batch_size
                ]
            )
            if not batch:
                break
            facts = facts_of([case.pk for case in batch])
            stale = [
                case for case in batch if _changed_fields(case, derived_state(case, facts[case.pk]))
            ]
            if stale:
                Case.objects.bulk_update(stale, list(DERIVED_FIELDS), batch_size=1000)
        examined += len(batch)
        changed += len(stale)
        last = batch[-1].pk
        if on_progress is not None:
            on_progress(examined)
    return Derived(examined=examined, changed=changed)
