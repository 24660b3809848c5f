"""Personal API tokens: each belongs to one member of staff, who can revoke it.

Only a token's SHA-256 digest is stored, with a short prefix that identifies it
on the tokens page; the token itself is shown once, when it is made, and cannot
be read back. A revoked token is kept (so its page can say when it was revoked)
and is refused from that moment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for.")
    prefix = models.CharField(max_length=16, help_text="The token's first characters.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ApiRateCount(models.Model):
    """How many requests one token (or address) made in one window of the rate limit
    (`api.throttling`); `window_start` is the window's start, in seconds since 1970."""

    key = models.CharField(max_length=100)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="api_rate_count_once"),
        ]
        indexes = [models.Index(fields=["window_start"], name="api_rate_count_window")]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
