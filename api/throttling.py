"""Rate limits for the API, counted in a cache every server process shares.

The counts are kept in the database cache (`CACHES["api"]`, a table made by this
app's migrations), so every gunicorn worker counts the same requests. The limit
is `API_RATE_LIMIT` (requests per token per period, for example `120/minute`),
read when each request is counted, so it can be changed without a restart.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle


class ApiRateThrottle(SimpleRateThrottle):
    """One count per token (and per client address for requests without one)."""

    scope = "api"

    def __init__(self) -> None:
        self.cache = caches["api"]
        super().__init__()

    def get_rate(self) -> str:
        return str(settings.API_RATE_LIMIT)

    def get_cache_key(self, request: Any, view: Any) -> str:
        token = getattr(request, "auth", None)
        ident = f"token-{token.pk}" if token is not None else f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
