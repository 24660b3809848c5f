"""The API's rate limit: one count per token (or per address) and time window, kept
in the database, so every server process counts the same requests.

A request is counted and judged in one statement (an upsert that returns the new
count), so however many arrive at once, exactly `API_RATE_LIMIT` of a window are
let through. The limit is read when each request is counted, so it can be changed
without a restart. Windows are fixed (each minute of the clock, for `120/minute`);
the worker deletes past ones (`api.job_handlers`).
"""

from __future__ import annotations

import time
from typing import Any, Final

from django.conf import settings
from django.db import connection
from rest_framework.throttling import BaseThrottle

from .models import ApiRateCount

PERIOD_SECONDS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """`120/minute` as (120, 60): requests, and the window in seconds."""
    number, _, period = rate.partition("/")
    return int(number), PERIOD_SECONDS[period.strip()[:1]]


def count_request(key: str, window: int) -> int:
    """Count one request of `key` in `window`; the window's count, this one included."""
    table = connection.ops.quote_name(ApiRateCount._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (key, window_start) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [key, window],
        )
        return int(cursor.fetchone()[0])


class ApiRateThrottle(BaseThrottle):
    """One count per token (and per client address for requests without one)."""

    def allow_request(self, request: Any, view: Any) -> bool:
        limit, seconds = parse_rate(str(settings.API_RATE_LIMIT))
        token = getattr(request, "auth", None)
        key = f"token-{token.pk}" if token is not None else f"address-{self.get_ident(request)}"
        now = time.time()
        window = int(now // seconds) * seconds
        self.retry_after = window + seconds - now
        return count_request(key, window) <= limit

    def wait(self) -> float:
        return max(1.0, self.retry_after)
