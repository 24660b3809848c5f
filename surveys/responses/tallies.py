"""The tallies beside the complete responses (`ResponseTally`): how many complete
responses of a day and mode have each code in each tabulated column, with the sum of
their record keys. Changed in the transaction of every change to a complete response;
rebuilt from the responses by `tallies_rebuild`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from ..models import (
    TALLY_COLUMNS,
    Response,
    ResponseTally,
    Survey,
)


def completion_day(moment: datetime) -> date:
    """The day a response was completed, in the service's time zone (the tables' days)."""
    return timezone.localdate(moment)


def _tally_key_of(fields: Mapping[str, Any]) -> tuple[Any, ...]:
    return (
        completion_day(fields["completed_at"]),
        fields["mode"],
        *((fields[column] or "") for column in TALLY_COLUMNS),
    )


def _tally_key(response: Response) -> tuple[Any, ...]:
    assert response.completed_at is not None
    return _tally_key_of(
        {
            "completed_at": response.completed_at,
            "mode": response.mode,
            **{column: getattr(response, column) for column in TALLY_COLUMNS},
        }
    )


TALLY_FIELDS: Final = ("survey_id", "variable", "day", "mode", "code")


def _tally_add(
    survey_id: int,
    counts: Mapping[tuple[Any, ...], int],
    key_sums: Mapping[tuple[Any, ...], int],
) -> None:
    """Add `counts`, and the sums of their responses' record keys, to a survey's tallies.
    A key is (day, mode, then a code for each of TALLY_COLUMNS); each adds to one tally
    row per column."""
    if not counts:
        return
    rows: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for key, count in counts.items():
        day, mode, *codes = key
        for variable, code in zip(TALLY_COLUMNS, codes, strict=True):
            row = rows[(variable, day, mode, code)]
            row[0] += count
            row[1] += key_sums.get(key, 0)
    table = connection.ops.quote_name(ResponseTally._meta.db_table)
    key_columns = ", ".join(connection.ops.quote_name(name) for name in TALLY_FIELDS)
    items = list(rows.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), 1000):
            batch = items[start : start + 1000]
            placeholders = "(" + ", ".join(["%s"] * (len(TALLY_FIELDS) + 2)) + ")"
            values = ", ".join([placeholders] * len(batch))
            params: list[Any] = []
            for key, (count, key_sum) in batch:
                params.extend((survey_id, *key, count, key_sum))
            cursor.execute(
                f"INSERT INTO {table} ({key_columns}, count, key_sum) VALUES {values} "  # noqa: S608
                f"ON CONFLICT ({key_columns}) DO UPDATE SET "
                f"count = {table}.count + excluded.count, "
                f"key_sum = {table}.key_sum + excluded.key_sum",
                params,
            )


def tallies_rebuild(*, survey: Survey) -> int:
    """Count a survey's tallies again from its complete responses; the rows written."""
    responses = counted_responses(Response.objects.filter(survey=survey)).annotate(
        day=TruncDate("completed_at", tzinfo=timezone.get_current_timezone())
    )
    with transaction.atomic():
        ResponseTally.objects.filter(survey=survey).delete()
        written = 0
        for variable in TALLY_COLUMNS:
            grouped = (
                responses.order_by()
                .values_list("day", "mode", variable)
                .annotate(n=Count("*"), keys=Sum("record_key"))
            )
            rows = [
                ResponseTally(
                    survey=survey,
                    variable=variable,
                    day=day,
                    mode=mode,
                    code=code or "",
                    count=n,
                    key_sum=keys,
                )
                for day, mode, code, n, keys in grouped.iterator(chunk_size=5000)
            ]
            ResponseTally.objects.bulk_create(rows, batch_size=5000)
            written += len(rows)
    return written


def counted_responses(responses: QuerySet[Response]) -> QuerySet[Response]:
    """The responses that every output counts: complete and not test runs."""
    return responses.filter(status=Response.Status.COMPLETE, is_test=False)
