"""A survey's derived state rebuilt from the facts: `manage.py cases_refresh`.

Every service keeps a case's derived state and the survey's tallies in the
transaction of the change that moves them, so this finds nothing to do unless
something wrote around the services (a script, a restored backup, a bug). It
derives every case again (`surveys.fieldwork.derived.cases_derive`), then counts the case
tally (`CaseTally`, which migration 0011's triggers keep) and the response tallies
(`ResponseTally`, `surveys.responses.tallies.tallies_rebuild`) again, and keeps a rebuilt
tally only where it differs from the stored one: on a consistent survey it
changes nothing, however often it runs.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from django.db import connection, models, transaction
from django.db.models import Count

from ..fieldwork.derived import cases_derive
from ..models import Case, CaseTally, ResponseTally, Survey
from .tallies import tallies_rebuild

# The case tally's counted columns: every column of CaseTally but its key, survey and
# count, each named as the case's own column (migration 0011's TALLY_COLUMNS).
CASE_TALLY_COLUMNS: Final = tuple(
    field.attname
    for field in CaseTally._meta.concrete_fields
    if field.name not in ("id", "survey", "count")
)


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What a refresh found wrong (and put right) in one survey."""

    cases: int
    cases_changed: int
    case_tally_rebuilt: bool
    response_tallies_rebuilt: bool

    @property
    def changed(self) -> bool:
        return bool(self.cases_changed or self.case_tally_rebuilt or self.response_tallies_rebuilt)

    @property
    def summary(self) -> str:
        if not self.changed:
            return f"{self.cases:,} cases checked: every case and tally was already right"
        mended = [f"{self.cases_changed:,} cases derived again"] if self.cases_changed else []
        if self.case_tally_rebuilt:
            mended.append("the case tally counted again")
        if self.response_tallies_rebuilt:
            mended.append("the response tallies counted again")
        return f"{self.cases:,} cases checked: " + ", ".join(mended)


def survey_refresh(
    *, survey: Survey, on_progress: Callable[[int], None] | None = None
) -> Refreshed:
    """Derive every case of the survey again and count its tallies again, keeping only
    what differs; `on_progress` is called with the number of cases done so far."""
    derived = cases_derive(cases=Case.objects.filter(survey=survey), on_progress=on_progress)
    return Refreshed(
        cases=derived.examined,
        cases_changed=derived.changed,
        case_tally_rebuilt=_rebuilt_if_different(CaseTally, survey, case_tally_rebuild),
        response_tallies_rebuilt=_rebuilt_if_different(ResponseTally, survey, tallies_rebuild),
    )


def case_tally_rebuild(*, survey: Survey) -> int:
    """Count a survey's case tally again from its cases; the rows written."""
    CaseTally.objects.filter(survey=survey).delete()
    grouped = (
        Case.objects.filter(survey=survey, withdrawn_at__isnull=True)
        .order_by()
        .values(*CASE_TALLY_COLUMNS)
        .annotate(n=Count("*"))
    )
    rows = [
        CaseTally(survey=survey, count=row.pop("n"), **row)
        for row in grouped.iterator(chunk_size=5000)
    ]
    CaseTally.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def _rebuilt_if_different(
    model: type[models.Model], survey: Survey, rebuild: Callable[..., object]
) -> bool:
    """Rebuild the survey's rows of a tally table, and keep them only if they differ
    from the rows stored (rows counting 0 aside); whether they did.

    The tally table is locked against writes first (SHARE ROW EXCLUSIVE): a change
    committed before is counted by the rebuild, and one still under way adds its
    count after the rebuild commits, as it would have to the old rows.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        before = _tally_rows(model, survey)
        with transaction.atomic():
            rebuild(survey=survey)
            different = _tally_rows(model, survey) != before
            if not different:
                transaction.set_rollback(True)
    return different


def _tally_rows(model: type[models.Model], survey: Survey) -> Counter[str]:
    """The survey's rows of a tally table that count something, every column but the key."""
    columns = [field.attname for field in model._meta.concrete_fields if not field.primary_key]
    rows: Any = model._default_manager.filter(survey=survey).exclude(count=0).values(*columns)
    return Counter(json.dumps(row, sort_keys=True, default=str) for row in rows.iterator())
