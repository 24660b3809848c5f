"""Token authentication for the API: `Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .tokens import token_find

KEYWORD = "Bearer"


class TokenAuthentication(authentication.BaseAuthentication):
    """A personal API token in the Authorization header. No header: not signed in (the
    permission then refuses with 401); a token that is unknown, revoked, or whose
    owner is no longer active: 401 at once."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header:
            return None
        if header[0].lower() != KEYWORD.lower() or len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send the token as “Authorization: Bearer <token>”."
            )
        found = token_find(header[1])
        if found is None:
            raise exceptions.AuthenticationFailed("The token is not valid, or has been revoked.")
        if not found.user.is_active:
            raise exceptions.AuthenticationFailed("The token's owner can no longer use the API.")
        return found.user, found

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):  # type: ignore[misc]
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made on the API tokens page or with "
            "`python manage.py api_token USERNAME`.",
        }
