"""Health checks for load balancers and orchestrators.

`/healthz`: the process is up and answering (no database needed).
`/readyz`: the service can serve: the database answers, every migration is
applied, and a background worker was seen recently. 200 with a JSON body naming
each check, or 503 naming what is wrong.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from jobs.runner import worker_seen_since


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _checks() -> dict[str, Any]:
    checks: dict[str, Any] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError:
        return {"database": "unreachable"}
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    checks["migrations"] = "ok" if not pending else f"{len(pending)} not applied"
    window = timedelta(seconds=settings.WORKER_SEEN_SECONDS)
    checks["worker"] = "ok" if worker_seen_since(timezone.now() - window) else "not seen"
    return checks


@require_safe
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = _checks()
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
