"""The cookies the service sets: the one list the cookies page shows, and tests check.

Every cookie any page sets must be listed here (tests/fieldwork/test_service_pages.py
fails otherwise). All are essential: the service sets no analytics or advertising
cookies, so it asks no consent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings


def _duration(seconds: int) -> str:
    days = timedelta(seconds=seconds).days
    if days >= 365 and days % 365 == 0:
        years = days // 365
        return f"{years} year{'s' if years != 1 else ''}"
    if days > 31 and days % 7 == 0:
        return f"{days // 7} weeks"
    return f"{days} day{'s' if days != 1 else ''}"


@dataclass(frozen=True, slots=True)
class Cookie:
    name: str
    pattern: str
    purpose: str
    who: str
    expires: str

    def matches(self, name: str) -> bool:
        return re.fullmatch(self.pattern, name) is not None


def service_cookies() -> tuple[Cookie, ...]:
    from .views.respondent import COOKIE_MAX_AGE, COOKIE_PREFIX

    return (
        Cookie(
            name=f"{COOKIE_PREFIX}<survey>",
            pattern=re.escape(COOKIE_PREFIX) + r"[-\w]+",
            purpose=(
                "Remembers which answers are yours for one survey, so that you can carry on "
                "where you left off. It holds a signed reference to your answers, never the "
                "answers themselves."
            ),
            who="Everyone who answers a survey",
            expires=_duration(COOKIE_MAX_AGE),
        ),
        Cookie(
            name=settings.CSRF_COOKIE_NAME,
            pattern=re.escape(settings.CSRF_COOKIE_NAME),
            purpose="Stops other websites from sending forms to this service in your name.",
            who="Everyone who fills in a form",
            expires=_duration(settings.CSRF_COOKIE_AGE),
        ),
        Cookie(
            name=settings.SESSION_COOKIE_NAME,
            pattern=re.escape(settings.SESSION_COOKIE_NAME),
            purpose=(
                "Keeps staff signed in (interviewers, analysts and survey managers). They "
                f"are signed out after {settings.STAFF_IDLE_TIMEOUT_SECONDS // 60} minutes "
                "without using the service."
            ),
            who="Staff only",
            expires=_duration(settings.SESSION_COOKIE_AGE) + ", or when they sign out",
        ),
        Cookie(
            name="messages",
            pattern="messages",
            purpose="Shows staff a confirmation on the next page after they change something.",
            who="Staff only",
            expires="When the next page has shown it",
        ),
    )
