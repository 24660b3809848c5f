"""Who may do what: staff roles, and the one way every view checks them.

A role is a Django group. A superuser holds every role. Every staff view is
guarded by `role_required` (functions) or `RoleRequiredMixin` (classes): someone
signed out is sent to sign in; someone signed in without the role gets the 403
page. Unrounded figures and microdata also need the `view_unrounded` permission.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Final

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

ANALYST: Final = "analyst"
INTERVIEWER: Final = "interviewer"
SUPERVISOR: Final = "supervisor"
SURVEY_MANAGER: Final = "survey manager"
ROLES: Final = (ANALYST, INTERVIEWER, SUPERVISOR, SURVEY_MANAGER)
UNROUNDED_PERMISSION: Final = "classification.view_unrounded"

User = AbstractBaseUser | AnonymousUser


def roles_of(user: User) -> frozenset[str]:
    """The roles a user holds (every role for a superuser), read once per user object."""
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
    """Whether the user holds any of `roles`."""
    return bool(roles_of(user) & set(roles))


def can_see_unrounded(user: User) -> bool:
    return has_role(user, ANALYST, SUPERVISOR, SURVEY_MANAGER) and user.has_perm(
        UNROUNDED_PERMISSION
    )


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
