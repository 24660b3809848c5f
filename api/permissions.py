"""The API's permissions are the pages' own (`surveys.access`): the analyst role for
everything; for a survey's unrounded figures and microdata, the unrounded permission
and a place in the survey's team as an analyst."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from surveys.access import ANALYST, can_see_unrounded, has_role
from surveys.models import Survey

UNROUNDED_REFUSED = (
    "Unrounded figures and microdata need the permission to see unrounded tables and "
    "microdata, and a place in the survey's team as an analyst; this token's owner does "
    "not have both."
)


class IsAnalyst(permissions.BasePermission):
    message = "The API is for analysts: this token's owner does not hold the analyst role."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and has_role(
            request.user, ANALYST
        )


def may_see_unrounded(request: Request, survey: Survey) -> bool:
    """A token acts as its owner: unrounded figures and microdata of a survey need the
    owner to be one of its analysts, with the permission (`surveys.access`)."""
    return can_see_unrounded(request.user, survey)
