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
- the survey (ACCESS_CODE_TRIES_PER_SURVEY): a guess at a scale no office reaches,
  from many addresses together, is stopped too; links still work while it is. Set
  high (100,000 a window), so that shutting typed codes out for everyone would take
  1,000 addresses, each stopped at its own limit first.

The counts are rows in the database: a typed code is counted under its three keys
in one atomic INSERT ... ON CONFLICT DO UPDATE before it is looked up, and given back
when it is right, so the limits hold across every web process and server and for
requests sent at once. Addresses and codes are kept only as keyed hashes. The odds these figures
give a guesser are in docs/spec/fieldwork.md.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Final

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest

from seb.addresses import UNKNOWN, client_address

from ..models import GuessWindow, Survey

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
    # The key this try used up (its count now at the limit): a wrong code here is the
    # last one that key allows in the window.
    spent: str = ""

    def after_wrong(self) -> Limit:
        """What a wrong code leaves: blocked at once if it used a key up."""
        return replace(self, blocked=True, reason=self.spent) if self.spent else self


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


def request_client(request: HttpRequest) -> str:
    """The client of a request, believing only PROXY_COUNT proxies (`seb.addresses`)."""
    return client_address(
        request.META.get("REMOTE_ADDR", ""),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        proxies=settings.PROXY_COUNT,
    )


def sign_in_client(request: HttpRequest) -> str | None:
    """The address django-axes counts sign-in failures by (AXES_CLIENT_IP_CALLABLE):
    the same client, or none when it cannot be told."""
    address = request_client(request)
    return None if address == UNKNOWN else address


def guess_keys(request: HttpRequest, *, survey: Survey, code: str) -> dict[str, str]:
    """The three counters a typed code (normalised) is counted under."""
    address = request_client(request)
    return {
        CODE: _hash(CODE, survey.pk, address, code),
        ADDRESS: _hash(ADDRESS, address),
        SURVEY: _hash(SURVEY, survey.pk),
    }


def _limit(counts: dict[str, int], now: float) -> Limit:
    """What the counts, this try included, leave: blocked once any key is over its limit."""
    allowed = limits()
    for reason in (CODE, ADDRESS, SURVEY):
        if counts.get(reason, 0) > allowed[reason]:
            return Limit(blocked=True, wait_minutes=_wait(now), reason=reason)
    left = min(allowed[key] - counts.get(key, 0) for key in (ADDRESS, SURVEY))
    spent = next((key for key in (CODE, ADDRESS, SURVEY) if counts.get(key, 0) >= allowed[key]), "")
    return Limit(blocked=False, wait_minutes=_wait(now), tries_left=max(0, left), spent=spent)


def _add(keys: dict[str, str], window: int, step: int) -> dict[str, int]:
    """Add `step` to each key's count in `window`, in one statement; the new counts."""
    quote = connection.ops.quote_name
    table = quote(GuessWindow._meta.db_table)
    client, window_, count_ = quote("client"), quote("window"), quote("count")
    rows = ", ".join([f"(%s, %s, {max(step, 0)})"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({client}, {window_}, {count_}) VALUES {rows} "  # noqa: S608
            f"ON CONFLICT ({client}, {window_}) DO UPDATE SET {count_} = "
            f"GREATEST({table}.{count_} + %s, 0) RETURNING {client}, {count_}",
            [*(value for key in keys.values() for value in (key, window)), step],
        )
        counted = {str(row[0]): int(row[1]) for row in cursor.fetchall()}
    return {name: counted.get(key, 0) for name, key in keys.items()}


def guess_try(
    request: HttpRequest, *, survey: Survey, code: str, now: float | None = None
) -> Limit:
    """Count a typed code under its three keys before it is looked up (one atomic
    statement, so requests sent at once are each counted before any is checked), and
    say whether it must wait. A code that turns out right is given back (`guess_right`)."""
    now = time.time() if now is None else now
    keys = guess_keys(request, survey=survey, code=code)
    return _limit(_add(keys, _window(now), 1), now)


def guess_right(
    request: HttpRequest, *, survey: Survey, code: str, now: float | None = None
) -> None:
    """A typed code was right: it does not count against the address or the survey."""
    now = time.time() if now is None else now
    _add(guess_keys(request, survey=survey, code=code), _window(now), -1)


def guess_windows_clear(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete the counts of windows long past; the number deleted."""
    oldest = _window(time.time() - older_than.total_seconds())
    deleted, _ = GuessWindow.objects.filter(window__lt=oldest).delete()
    return deleted


SUGGESTIONS: Final = "suggestions"


def suggestions_try(request: HttpRequest, *, response_id: object, now: float | None = None) -> bool:
    """Count one request for job title suggestions under the response and the client
    address, in the same windows as the access codes; whether it may be answered:
    JOB_TITLE_SUGGESTIONS_PER_RESPONSE a window for one response (a person types a few
    dozen a title), JOB_TITLE_SUGGESTIONS_PER_ADDRESS for everyone behind an address.

    Counted in Django's cache, not the database: a suggestion is asked for at every
    letter typed, and an upsert on one address's row made every request wait for the
    one before it (docs/decisions/job-title-suggestions.md). With the default local
    memory cache each web process counts on its own, so a window allows up to the
    number of processes times the limit: enough against load, which is what this
    limit is for (the suggestions show only the ONS coding index, which is public)."""
    now = time.time() if now is None else now
    window = _window(now)
    allowed = {
        "response": settings.JOB_TITLE_SUGGESTIONS_PER_RESPONSE,
        "address": settings.JOB_TITLE_SUGGESTIONS_PER_ADDRESS,
    }
    keys = {
        "response": f"{SUGGESTIONS}:{window}:r:{response_id}",
        "address": f"{SUGGESTIONS}:{window}:a:{_hash(SUGGESTIONS, request_client(request))}",
    }
    within = True
    for name, key in keys.items():
        cache.add(key, 0, timeout=_window_seconds())
        try:
            count = cache.incr(key)
        except ValueError:  # gone between add and incr (evicted): start again
            cache.set(key, 1, timeout=_window_seconds())
            count = 1
        within = within and count <= allowed[name]
    return within
