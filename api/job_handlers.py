"""The API's housekeeping: rate-limit counts of past windows are deleted."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings

from jobs.runner import periodic

from .models import ApiRateCount
from .throttling import parse_rate


@periodic("delete_old_rate_counts", every=timedelta(hours=1))
def delete_old_rate_counts() -> int:
    """Delete the counts of windows that ended before the current one; how many."""
    _, seconds = parse_rate(str(settings.API_RATE_LIMIT))
    current = int(time.time() // seconds) * seconds
    deleted, _ = ApiRateCount.objects.filter(window_start__lt=current).delete()
    return deleted
