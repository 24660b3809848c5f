"""Limits on guessing access codes: they stop a guesser, never an office.

A personal link is never limited: its token has 256 bits, so no one finds one by
guessing, and refusing it would only lock out the people behind an address where
someone else mistyped a code. Wrong typed codes are counted in fixed windows of
ACCESS_CODE_WINDOW_MINUTES, under three keys at once:

- the address and the code tried (ACCESS_CODE_TRIES_PER_CODE): someone who types
  the same wrong code again and again is asked to wait and check their letter,
  and nobody else at their address is;
- the address (ACCESS_CODE_TRIES_PER_ADDRESS): one guesser trying many codes is
  stopped long before an office's typing mistakes could add up to the limit;
- the survey (ACCESS_CODE_TRIES_PER_SURVEY): many addresses guessing together are
  stopped too; links still work while they are.

The counts are rows in the database (one atomic INSERT ... ON CONFLICT DO UPDATE
for the three keys of a wrong try), so they hold across every web process and
server. Addresses and codes are kept only as keyed hashes. The odds these figures
give a guesser are in docs/spec/fieldwork.md.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Final

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.db import connection
from django.http import HttpRequest

from .models import GuessWindow, Survey

CODE: Final = "code"
ADDRESS: Final = "address"
SURVEY: Final = "survey"


@dataclass(frozen=True, slots=True)
class Limit:
    """Whether a typed code must wait; `reason` names the key that is full
    (CODE, ADDRESS or SURVEY), `tries_left` how many wrong codes this address may
    still type in the window before it must wait."""

    blocked: bool
    wait_minutes: int = 0
    reason: str = ""
    tries_left: int = 0


def limits() -> dict[str, int]:
    return {
        CODE: settings.ACCESS_CODE_TRIES_PER_CODE,
        ADDRESS: settings.ACCESS_CODE_TRIES_PER_ADDRESS,
        SURVEY: settings.ACCESS_CODE_TRIES_PER_SURVEY,
    }


def _window_seconds() -> int:
    return max(1, settings.ACCESS_CODE_WINDOW_MINUTES) * 60


def _window(now: float) -> int:
    return int(now // _window_seconds())


def _wait(now: float) -> int:
    end = (_window(now) + 1) * _window_seconds()
    return max(1, math.ceil((end - now) / 60))


def _hash(*parts: object) -> str:
    text = ":".join(str(part) for part in (settings.SECRET_KEY, "guesses", *parts))
    return hashlib.sha256(text.encode()).hexdigest()


def guess_keys(request: HttpRequest, *, survey: Survey, code: str) -> dict[str, str]:
    """The three counters a typed code (normalised) is counted under."""
    address = get_client_ip_address(request) or "unknown"
    return {
        CODE: _hash(CODE, survey.pk, address, code),
        ADDRESS: _hash(ADDRESS, address),
        SURVEY: _hash(SURVEY, survey.pk),
    }


def _limit(counts: dict[str, int], now: float) -> Limit:
    allowed = limits()
    for reason in (CODE, ADDRESS, SURVEY):
        if counts.get(reason, 0) >= allowed[reason]:
            return Limit(blocked=True, wait_minutes=_wait(now), reason=reason)
    left = min(allowed[key] - counts.get(key, 0) for key in (ADDRESS, SURVEY))
    return Limit(blocked=False, wait_minutes=_wait(now), tries_left=left)


def guess_limit(
    request: HttpRequest, *, survey: Survey, code: str, now: float | None = None
) -> Limit:
    """Whether this code, typed from this address for this survey, must wait."""
    now = time.time() if now is None else now
    keys = guess_keys(request, survey=survey, code=code)
    found = dict(
        GuessWindow.objects.filter(client__in=keys.values(), window=_window(now)).values_list(
            "client", "count"
        )
    )
    return _limit({name: found.get(key, 0) for name, key in keys.items()}, now)


def guess_wrong(
    request: HttpRequest, *, survey: Survey, code: str, now: float | None = None
) -> Limit:
    """Count a wrong code under its three keys (one statement); what is left."""
    now = time.time() if now is None else now
    keys = guess_keys(request, survey=survey, code=code)
    window = _window(now)
    quote = connection.ops.quote_name
    table = quote(GuessWindow._meta.db_table)
    client, window_, count_ = quote("client"), quote("window"), quote("count")
    rows = ", ".join(["(%s, %s, 1)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({client}, {window_}, {count_}) VALUES {rows} "  # noqa: S608
            f"ON CONFLICT ({client}, {window_}) DO UPDATE SET {count_} = {table}.{count_} + 1 "
            f"RETURNING {client}, {count_}",
            [value for key in keys.values() for value in (key, window)],
        )
        counted = {str(row[0]): int(row[1]) for row in cursor.fetchall()}
    return _limit({name: counted.get(key, 1) for name, key in keys.items()}, now)


def guess_windows_clear(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete the counts of windows long past; the number deleted."""
    oldest = _window(time.time() - older_than.total_seconds())
    deleted, _ = GuessWindow.objects.filter(window__lt=oldest).delete()
    return deleted
