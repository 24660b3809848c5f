"""Who may do what: the one guard every staff page, job and API result goes through.

Two facts combine (docs/spec/access.md). A person's groups say what kind of staff
they are (analyst, interviewer, supervisor, survey manager); a survey's team
(`SurveyMember`) says which surveys they do it for. To act on a survey in a role,
a person holds the role's group AND is in the survey's team in that role, or holds
the "all surveys" permission (`surveys.all_surveys`). A superuser holds every role
on every survey.

Pages: `role_required` (functions) and `RoleRequiredMixin` (classes) send someone
signed out to sign in and give someone without the kind of staff the 403 page;
`member_survey` then finds the survey among those the person may act on, or 404,
as for a case: a survey one is not in is not there. Disclosure-controlled tables
are open to every analyst; unrounded figures and microdata of a survey also need
the `view_unrounded` permission and the role in that survey's team.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from .models import Survey, SurveyMember, TeamRole

ANALYST: Final = "analyst"
INTERVIEWER: Final = "interviewer"
SUPERVISOR: Final = "supervisor"
SURVEY_MANAGER: Final = "survey manager"
CODER: Final = "coder"
ROLES: Final = (ANALYST, INTERVIEWER, SUPERVISOR, SURVEY_MANAGER, CODER)
UNROUNDED_PERMISSION: Final = "classification.view_unrounded"
ALL_SURVEYS_PERMISSION: Final = "surveys.all_surveys"
# The group (kind of staff) a team role needs.
GROUP_OF: Final = {
    TeamRole.MANAGER: SURVEY_MANAGER,
    TeamRole.SUPERVISOR: SUPERVISOR,
    TeamRole.INTERVIEWER: INTERVIEWER,
    TeamRole.ANALYST: ANALYST,
    TeamRole.CODER: CODER,
}

User = AbstractBaseUser | AnonymousUser


def roles_of(user: User) -> frozenset[str]:
    """The kinds of staff a user is (every one for a superuser), read once per user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_seb_roles", None)
    if cached is None:
        if getattr(user, "is_superuser", False):
            cached = frozenset(ROLES)
        else:
            names = user.groups.values_list("name", flat=True)  # type: ignore[union-attr]
            cached = frozenset(name for name in names if name in ROLES)
        user._seb_roles = cached  # type: ignore[union-attr]
    return cached


def has_role(user: User, *roles: str) -> bool:
    """Whether the user is any of these kinds of staff (groups), for some survey."""
    return bool(roles_of(user) & set(roles))


def sees_every_survey(user: User) -> bool:
    """A superuser, or staff holding the "all surveys" permission."""
    return bool(user.is_authenticated and user.is_active) and user.has_perm(ALL_SURVEYS_PERMISSION)


def _held(user: User, roles: tuple[TeamRole, ...]) -> list[TeamRole]:
    """The team roles among `roles` whose kind of staff the user is."""
    kinds = roles_of(user)
    return [role for role in roles if GROUP_OF[role] in kinds]


def team_roles(user: User, survey: Survey) -> frozenset[TeamRole]:
    """The roles in which the user may act on the survey (read once per user and survey)."""
    held = _held(user, tuple(TeamRole))
    if not held:
        return frozenset()
    if sees_every_survey(user):
        return frozenset(held)
    cache: dict[int, frozenset[TeamRole]] = user.__dict__.setdefault("_seb_teams", {})
    if survey.pk not in cache:
        rows = SurveyMember.objects.filter(user=user, survey=survey, role__in=held)
        cache[survey.pk] = frozenset(TeamRole(role) for role in rows.values_list("role", flat=True))
    return cache[survey.pk]


def acts_as(user: User, survey: Survey, *roles: TeamRole) -> bool:
    """Whether the user may act on the survey in any of `roles`."""
    return bool(team_roles(user, survey) & set(roles))


def surveys_for(user: User, *roles: TeamRole) -> QuerySet[Survey]:
    """The surveys the user may act on in any of `roles` (every survey, for someone
    who sees every survey; none, for someone who is none of those kinds of staff)."""
    held = _held(user, roles)
    if not held:
        return Survey.objects.none()
    if sees_every_survey(user):
        return Survey.objects.all()
    teams = SurveyMember.objects.filter(user=user, role__in=held).values("survey_id")
    return Survey.objects.filter(pk__in=teams)


def member_survey(
    user: User, slug: str, *roles: TeamRole, among: QuerySet[Survey] | None = None
) -> Survey:
    """The survey `slug` if the user may act on it in one of `roles` (and it is one of
    `among`); otherwise 404, as if there were no such survey."""
    surveys = surveys_for(user, *roles)
    if among is not None:
        surveys = surveys & among
    return get_object_or_404(surveys, slug=slug)


def can_see_unrounded(
    user: User, survey: Survey | None = None, *, role: TeamRole = TeamRole.ANALYST
) -> bool:
    """Unrounded figures and microdata: the permission, and for a survey, acting on it
    in `role` (an analyst of its team, by default). Without a survey: whether the
    user could for some survey (the permission and a kind of staff that may)."""
    if not user.has_perm(UNROUNDED_PERMISSION):
        return False
    if survey is None:
        return has_role(user, ANALYST, SUPERVISOR, SURVEY_MANAGER)
    return acts_as(user, survey, role)


def check_role(request: HttpRequest, roles: tuple[str, ...]) -> HttpResponseBase | None:
    """None when the request may go on; otherwise the sign-in redirect (signed out)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not has_role(request.user, *roles):
        raise PermissionDenied
    return None


View = Callable[..., HttpResponseBase]


def role_required(*roles: str) -> Callable[[View], View]:
    """Guard a function view: signed out, to sign in; without any of `roles`, 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            refused = check_role(request, roles)
            return refused if refused is not None else view(request, *args, **kwargs)

        return wrapped

    return decorate


class RoleRequiredMixin:
    """Guard a class view the same way: `roles` lists the roles that may use it."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        refused = check_role(request, self.roles)
        if refused is not None:
            return refused
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def person(user: Any) -> str:
    """How a member of staff is named on pages and in lists: full name, else username
    (nobody: empty)."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())
