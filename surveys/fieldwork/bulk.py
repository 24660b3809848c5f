"""Actions on many cases of one survey at once: assign, withdraw, reissue
(docs/guides/fieldwork.md, "Working with a list of cases").

Each action is one service call, in one transaction: the chosen cases are locked,
those the action does not apply to are left alone and counted by the reason
(`SKIPS`), the rest are changed with one statement, and their derived state is
written in the same transaction. A selection is always taken among the survey's own
cases (`selected_cases`): ids of another survey's cases select nothing.

Reissuing gives a case a new access code and personal link (the old ones stop
working at once), as replacing one case's code does; the new codes go into a
mail-merge file made by a background job (`surveys.job_handlers`), downloaded once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from django.db import transaction
from django.db.models import Case as Switch
from django.db.models import CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone

from seb.fieldwork import Outcome

from ..audit import Event, audit
from ..models import Case, Survey
from .derived import cases_derive
from .issuing import CREDENTIAL_FIELDS, credentials_keys, credentials_new
from .teams import interviewers_join

BATCH: Final = 5_000


class BulkAction(StrEnum):
    ASSIGN = "assign"
    WITHDRAW = "withdraw"
    REISSUE = "reissue"

    @property
    def verb(self) -> str:
        return {
            BulkAction.ASSIGN: "Assign",
            BulkAction.WITHDRAW: "Withdraw",
            BulkAction.REISSUE: "Reissue the codes and links of",
        }[self]


# Why a case is skipped, in the order the reasons are checked; a case has one reason.
WITHDRAWN: Final = Q(withdrawn_at__isnull=False)
COMPLETE: Final = Q(outcome=Outcome.COMPLETE.value)
OPTED_OUT: Final = Q(opted_out_at__isnull=False) | Q(outcome=Outcome.REFUSAL.value)
NOT_ELIGIBLE: Final = Q(not_eligible_at__isnull=False) | Q(outcome=Outcome.NOT_ELIGIBLE.value)
# Closed cases are reopened on their own page first (seb.case_actions.may_be_assigned).
CLOSED: Final = Q(closed_at__isnull=False)
SKIPS: Final[dict[BulkAction, tuple[tuple[str, Q], ...]]] = {
    BulkAction.ASSIGN: (
        ("withdrawn", WITHDRAWN),
        ("complete", COMPLETE),
        ("refused or opted out", OPTED_OUT),
        ("not eligible", NOT_ELIGIBLE),
        ("closed (reopen it on its page first)", CLOSED),
    ),
    BulkAction.WITHDRAW: (
        ("already withdrawn", WITHDRAWN),
        ("complete (its response counts)", COMPLETE),
    ),
    BulkAction.REISSUE: (
        ("withdrawn (it has no code)", WITHDRAWN),
        ("complete", COMPLETE),
        ("refused or opted out", OPTED_OUT),
    ),
}


@dataclass(frozen=True, kw_only=True)
class BulkOutcome:
    """What an action did, or would do: the cases it changes, and those it skips by reason."""

    action: BulkAction
    applies: int
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def selected_cases(
    survey: Survey, *, ids: Iterable[Any] = (), every: QuerySet[Case] | None = None
) -> QuerySet[Case]:
    """The survey's cases chosen by id, or all of `every` (a filter of its cases); never
    another survey's."""
    cases = Case.objects.filter(survey=survey)
    if every is not None:
        return cases.filter(pk__in=every.filter(survey=survey).values("pk"))
    wanted = {int(pk) for pk in ids if str(pk).isdigit()}
    return cases.filter(pk__in=wanted)


def _skip_reason(action: BulkAction, interviewer: Any = None) -> Switch:
    rules = list(SKIPS[action])
    if action is BulkAction.ASSIGN and interviewer is not None:
        rules.append(("already assigned to them", Q(interviewer_id=interviewer.pk)))
    return Switch(
        *(When(rule, then=Value(reason)) for reason, rule in rules),
        default=Value(""),
        output_field=CharField(),
    )


def bulk_preview(
    *, survey: Survey, cases: QuerySet[Case], action: BulkAction, interviewer: Any = None
) -> BulkOutcome:
    """How many of `cases` the action would change, and how many it would skip and why
    (one GROUP BY)."""
    counts = dict(
        cases.filter(survey=survey)
        .annotate(skip=_skip_reason(action, interviewer))
        .values_list("skip")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("skip", "n")
    )
    applies = counts.pop("", 0)
    order = [reason for reason, _ in SKIPS[action]] + ["already assigned to them"]
    return BulkOutcome(
        action=action,
        applies=applies,
        skipped={reason: counts[reason] for reason in order if counts.get(reason)},
    )


def _lock(
    survey: Survey, cases: QuerySet[Case], action: BulkAction, interviewer: Any
) -> tuple[BulkOutcome, list[int]]:
    """Lock the chosen cases and split them into those the action changes and the rest."""
    chosen = Case.objects.filter(survey=survey, pk__in=cases.values("pk"))
    locked = list(
        chosen.select_for_update(of=("self",))
        .annotate(skip=_skip_reason(action, interviewer))
        .values_list("pk", "skip")
        .order_by("pk")
    )
    ids = [pk for pk, skip in locked if not skip]
    skipped: dict[str, int] = {}
    for _pk, skip in locked:
        if skip:
            skipped[skip] = skipped.get(skip, 0) + 1
    return BulkOutcome(action=action, applies=len(ids), skipped=skipped), ids


def bulk_assign(
    *, survey: Survey, cases: QuerySet[Case], interviewer: Any, actor: Any
) -> BulkOutcome:
    """Give the chosen cases that may be worked to an interviewer of the survey's team."""
    with transaction.atomic():
        outcome, ids = _lock(survey, cases, BulkAction.ASSIGN, interviewer)
        Case.objects.filter(pk__in=ids).update(interviewer=interviewer)
        interviewers_join(survey=survey, user_ids=[interviewer.pk], actor=actor)
        audit(
            Event.CASES_ASSIGNED,
            actor=actor,
            target=survey,
            count=outcome.applies,
            interviewer=interviewer.username,
            skipped=outcome.skipped_total,
        )
    return outcome


def bulk_withdraw(*, survey: Survey, cases: QuerySet[Case], actor: Any) -> BulkOutcome:
    """Take the chosen cases out of the sample (as `fieldwork.cases.case_withdraw` does one):
    no more messages or visits, their codes stop working, they count in no rate."""
    with transaction.atomic():
        outcome, ids = _lock(survey, cases, BulkAction.WITHDRAW, None)
        Case.objects.filter(pk__in=ids).update(withdrawn_at=timezone.now())
        cases_derive(cases=Case.objects.filter(pk__in=ids))
        audit(
            Event.CASE_WITHDRAWN,
            actor=actor,
            target=survey,
            count=outcome.applies,
            skipped=outcome.skipped_total,
        )
    return outcome


def bulk_reissue(
    *, survey: Survey, case_ids: Iterable[int], actor: Any
) -> tuple[BulkOutcome, list[int]]:
    """New access codes and links for the chosen cases (the old ones stop working at
    once), all or none; the outcome and the ids of the cases reissued, whose codes the
    caller writes to the mail-merge file in the same transaction."""
    cases = selected_cases(survey, ids=case_ids)
    with transaction.atomic():
        outcome, ids = _lock(survey, cases, BulkAction.REISSUE, None)
        key = credentials_keys()[0]
        now = timezone.now()
        for start in range(0, len(ids), BATCH):
            batch = list(
                Case.objects.filter(pk__in=ids[start : start + BATCH]).only("pk", "reference")
            )
            for case in batch:
                issued = credentials_new(reference=case.reference, key=key)
                case.credentials_nonce = issued.nonce
                case.access_code_hash = issued.access_code_hash
                case.link_token_hash = issued.link_token_hash
                case.credentials_issued_at = now
            Case.objects.bulk_update(batch, list(CREDENTIAL_FIELDS), batch_size=1000)
        audit(
            Event.CODES_REGENERATED,
            actor=actor,
            target=survey,
            count=outcome.applies,
            skipped=outcome.skipped_total,
        )
    return outcome, ids
