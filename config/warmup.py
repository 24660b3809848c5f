"""Work a web process would otherwise do on its first requests, done once beforehand.

Gunicorn loads the application in its master process and forks each worker from it
(config/gunicorn.py): whatever is warmed here is shared by every worker, and by each
worker started later to replace one (after `max_requests`, or a crash). Without it
a new worker compiled the service's templates and built its URL resolver while
answering its first requests, which then took hundreds of milliseconds; and it would
build the occupation coder's index (about 1.5 s) on its first job title.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.template import engines
from django.template.backends.base import BaseEngine
from django.urls import get_resolver

from seb.occupation.coder import code
from seb.occupation.suggest import warm as warm_suggestions


def template_names(engine: BaseEngine) -> list[str]:
    """Every template the engine can load: its own folders' and its apps'."""
    names = {
        path.relative_to(folder).as_posix()
        for folder in map(Path, engine.template_dirs)
        for path in folder.rglob("*")
        if path.is_file()
    }
    return sorted(names)


def warm() -> int:
    """Compile every template into its engine's cache and build the URL resolver;
    touches no database. Returns how many templates were compiled."""
    get_resolver().reverse_dict  # noqa: B018  (reading it builds the resolver's tables)
    compiled = 0
    for engine in engines.all():
        for name in template_names(engine):
            engine.get_template(name)
            compiled += 1
    return compiled


def warm_occupation() -> float:
    """Build the occupation coder's index and the job title suggestions' (about 1.5 s
    together) once, in the master, so that no respondent's first job title or first
    suggestion waits for them, and answer the suggestions for every two and three
    first letters; touches no database. Returns the seconds it took."""
    started = time.perf_counter()
    code("primary school teacher")
    warm_suggestions()
    return time.perf_counter() - started
