"""The staff areas, and which of them a user's roles open: the one place the service
navigation on every staff page and the staff home page read it from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from django.http import HttpRequest
from django.urls import reverse

from .access import ANALYST, CODER, INTERVIEWER, SUPERVISOR, SURVEY_MANAGER, User, roles_of


@dataclass(frozen=True, slots=True)
class Area:
    key: str
    label: str
    url_name: str
    roles: tuple[str, ...]
    description: str
    # The URL namespaces whose pages belong to the area.
    namespaces: tuple[str, ...] = ()
    # Whether the area is a place of work to land in after signing in (the jobs
    # list only follows work started elsewhere).
    landing: bool = True
    # The roles it is a place to land in for, when not all of `roles` (an analyst
    # lands in the analysis area, not in the coding queue).
    lands_for: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name)


AREAS: Final = (
    Area(
        "manage",
        "Manage surveys",
        "manage:surveys",
        (SURVEY_MANAGER,),
        "Set surveys up, preview them, load samples, send invitations and watch the rates.",
        ("manage", "preview"),
    ),
    Area(
        "interview",
        "Interview",
        "interview:home",
        (INTERVIEWER,),
        "Your cases: calls, visits, appointments and interviews.",
        ("interview",),
    ),
    Area(
        "supervise",
        "Supervise",
        "supervise:home",
        (SUPERVISOR,),
        "Interviewers’ progress, outcomes and rates; assign and reopen cases.",
        ("supervise",),
    ),
    Area(
        "analysis",
        "Analysis",
        "analysis:surveys",
        (ANALYST,),
        "Output tables, comparisons, microdata, imports and API tokens.",
        ("analysis", "api"),
    ),
    Area(
        "coding",
        "Coding",
        "coding:surveys",
        (CODER, ANALYST),
        "Code the job titles the automatic coder left open, in your surveys’ coding queues.",
        ("coding",),
        lands_for=(CODER,),
    ),
    Area(
        "jobs",
        "Jobs",
        "jobs:list",
        (SURVEY_MANAGER, ANALYST),
        "Your imports, exports and invitation rounds running in the background.",
        ("jobs",),
        landing=False,
    ),
)


def areas_of(user: User) -> tuple[Area, ...]:
    """The areas the user's roles open (every area for a superuser), in the order above."""
    held = roles_of(user)
    return tuple(area for area in AREAS if held & set(area.roles))


def landings_of(user: User) -> tuple[Area, ...]:
    """The areas the user may land in after signing in."""
    held = roles_of(user)
    return tuple(
        area
        for area in areas_of(user)
        if area.landing and (not area.lands_for or held & set(area.lands_for))
    )


def current_area(request: HttpRequest) -> str:
    """The key of the area the request's page belongs to; empty outside the staff areas."""
    match = request.resolver_match
    namespace = match.namespaces[0] if match and match.namespaces else ""
    return next((area.key for area in AREAS if namespace in area.namespaces), "")
