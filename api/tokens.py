"""Making, finding and revoking personal API tokens (the only code that writes them)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, Final

from django.db import transaction
from django.utils import timezone

from .models import ApiToken

SCHEME: Final = "seb"
PREFIX_BYTES: Final = 4
SECRET_BYTES: Final = 32
# A token's last use is written at most this often, not on every request.
LAST_USED_EVERY: Final = timedelta(minutes=1)


def token_digest(token: str) -> str:
    """The SHA-256 of a token: tokens are long and random, so no slower hash is needed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_create(*, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: the stored row and the token itself, shown once."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    token = f"{SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    row = ApiToken.objects.create(
        user=user, name=name.strip() or "API token", prefix=prefix, digest=token_digest(token)
    )
    return row, token


def token_find(token: str) -> ApiToken | None:
    """The active token this is, with its user; None for an unknown or revoked token."""
    if not token.startswith(f"{SCHEME}_") or len(token) > 200:
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(token), revoked_at__isnull=True)
        .first()
    )
    if found is not None:
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return found


def token_revoke(*, user: Any, token_id: int) -> ApiToken | None:
    """Revoke one of the user's own tokens; None if they have no such token."""
    with transaction.atomic():
        found = ApiToken.objects.select_for_update().filter(user=user, pk=token_id).first()
        if found is not None and found.revoked_at is None:
            found.revoked_at = timezone.now()
            found.save(update_fields=["revoked_at"])
    return found
