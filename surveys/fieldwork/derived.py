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

from django.db import connection, transaction
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

from ..models import Attempt, Case, Message, Response

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
    ids = list(found)
    responses = (
        among(Response.objects.filter(is_test=False), ids)
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
        among(Attempt.objects.all(), ids)
        .order_by("at", "pk")
        .values("case_id", "outcome", "at", "appointment_at", "mode")
    )
    for row in attempts:
        found[row["case_id"]].attempts.append(row)
    messages = among(Message.objects.all(), ids).values_list("case_id", "status", "status_at")
    for case_id, status, status_at in messages:
        found[case_id].messages.append((status, status_at))
    return found


def among(rows: QuerySet[Any], ids: list[Any], field_name: str = "case") -> QuerySet[Any]:
    """`rows` whose `field_name` is one of `ids`: one array parameter (`= ANY`), where
    `__in` would send a placeholder an id, which costs more to make than the query to
    run."""
    field = rows.model._meta.get_field(field_name)
    column = connection.ops.quote_name(field.column)
    kind = field.cast_db_type(connection)  # the column's own type, so its index serves
    return rows.extra(where=[f"{column} = ANY(%s::{kind}[])"], params=[ids])  # noqa: S610


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
    primary key. A batch is read without locks; the cases whose stored state differs
    are then locked, derived again from their facts as they now stand, and written,
    in a transaction of their own: a long run locks only what it changes, and may be
    stopped and run again."""
    examined = changed = 0
    last: Any = None
    page = cases.order_by("pk").only("pk", *CASE_FACTS, *DERIVED_FIELDS)
    while batch := list((page if last is None else page.filter(pk__gt=last))[:batch_size]):
        facts = facts_of([case.pk for case in batch])
        differing = [
            case.pk for case in batch if _changed_fields(case, derived_state(case, facts[case.pk]))
        ]
        if differing:
            changed += _derive_locked(among(page, differing, "id"))
        examined += len(batch)
        last = batch[-1].pk
        if on_progress is not None:
            on_progress(examined)
    return Derived(examined=examined, changed=changed)


def _derive_locked(cases: QuerySet[Case]) -> int:
    """Lock `cases`, derive them from their facts and write those that differ, with one
    UPDATE; the number written."""
    with transaction.atomic():
        locked = list(cases.select_for_update())
        facts = facts_of([case.pk for case in locked])
        stale = [
            case for case in locked if _changed_fields(case, derived_state(case, facts[case.pk]))
        ]
        if stale:
            _update_derived(stale)
    return len(stale)


def _update_derived(cases: Sequence[Case]) -> None:
    """Write the derived fields of `cases` with one UPDATE from arrays of their values
    (one parameter a field), each value made ready for the database by its field."""
    meta = Case._meta
    quote = connection.ops.quote_name
    fields = [meta.pk, *(meta.get_field(name) for name in DERIVED_FIELDS)]
    arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields)
    columns = [quote(field.column) for field in fields]
    assignments = ", ".join(f"{column} = v.{column}" for column in columns[1:])
    params = [
        [field.get_db_prep_save(getattr(case, field.attname), connection) for case in cases]
        for field in fields
    ]
    table, key = quote(meta.db_table), columns[0]
    key_array = f"%s::{meta.pk.cast_db_type(connection)}[]"
    with connection.cursor() as cursor:
        cursor.execute(
            # Names from the model's own metadata, quoted; the values go as parameters.
            f"UPDATE {table} c SET {assignments} FROM unnest({arrays}) "  # noqa: S608
            # The ids once more as an array: the planner then reads the rows by their key.
            f"AS v({', '.join(columns)}) WHERE c.{key} = v.{key} AND c.{key} = ANY({key_array})",
            [*params, params[0]],
        )
