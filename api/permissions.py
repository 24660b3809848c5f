"""The API's permissions are the pages' own (`surveys.access`): the analyst role for
everything, and the unrounded permission for unrounded figures and microdata."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request

from surveys.access import ANALYST, can_see_unrounded, has_role

UNROUNDED_REFUSED = (
    "Unrounded figures and microdata need the permission to see unrounded tables and "
    "microdata; this token's owner does not hold it."
)


class IsAnalyst(permissions.BasePermission):
    message = "The API is for analysts: this token's owner does not hold the analyst role."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated) and has_role(
            request.user, ANALYST
        )


def may_see_unrounded(request: Request) -> bool:
    return can_see_unrounded(request.user)
