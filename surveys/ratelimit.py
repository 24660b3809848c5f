"""Limits on guessing access codes and links: a few wrong tries per client, then a wait.

Wrong tries are counted per client (its address, as the sign-in lockout reads it,
behind PROXY_COUNT proxies) in fixed windows of ACCESS_CODE_WINDOW_MINUTES, in
the database: one atomic INSERT ... ON CONFLICT DO UPDATE per wrong try, so the
count holds across every web process and server. The address is kept only as a
keyed hash. A client that has made ACCESS_CODE_GUESS_LIMIT wrong tries in the
window is refused (even a right code) until the window ends.

A code has 78 bits and a link 256: at ten tries per quarter hour per address, no
one finds a case by guessing.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from .models import GuessWindow


@dataclass(frozen=True, slots=True)
class Limit:
    blocked: bool
    wait_minutes: int = 0


def _window_seconds() -> int:
    return max(1, settings.ACCESS_CODE_WINDOW_MINUTES) * 60


def client_key(request: HttpRequest) -> str:
    address = get_client_ip_address(request) or "unknown"
    return hashlib.sha256(f"{settings.SECRET_KEY}:guesses:{address}".encode()).hexdigest()


def _window(now: float) -> int:
    return int(now // _window_seconds())


def _wait(now: float) -> int:
    end = (_window(now) + 1) * _window_seconds()
    return max(1, math.ceil((end - now) / 60))


def guess_limit(request: HttpRequest, *, now: float | None = None) -> Limit:
    """Whether this client must wait before trying another code or link."""
    now = time.time() if now is None else now
    count = (
        GuessWindow.objects.filter(client=client_key(request), window=_window(now))
        .values_list("count", flat=True)
        .first()
    ) or 0
    if count >= settings.ACCESS_CODE_GUESS_LIMIT:
        return Limit(blocked=True, wait_minutes=_wait(now))
    return Limit(blocked=False)


def guess_wrong(request: HttpRequest, *, now: float | None = None) -> Limit:
    """Count a wrong code or link for this client; whether it must now wait."""
    now = time.time() if now is None else now
    quote = connection.ops.quote_name
    table = quote(GuessWindow._meta.db_table)
    client, window, count_ = quote("client"), quote("window"), quote("count")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({client}, {window}, {count_}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({client}, {window}) DO UPDATE SET {count_} = {table}.{count_} + 1 "
            f"RETURNING {count_}",
            [client_key(request), _window(now)],
        )
        row = cursor.fetchone()
    count = int(row[0]) if row else 1
    if count >= settings.ACCESS_CODE_GUESS_LIMIT:
        return Limit(blocked=True, wait_minutes=_wait(now))
    return Limit(blocked=False)


def guess_windows_clear(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete the counts of windows long past; the number deleted."""
    oldest = _window(time.time() - older_than.total_seconds())
    deleted, _ = GuessWindow.objects.filter(window__lt=oldest).delete()
    return deleted
