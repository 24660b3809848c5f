"""What every benchmark shares: its own database, Django, measuring in a child
process, plausible rows, and printing each figure beside its limit."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from random import Random
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# The bench database -------------------------------------------------------------


def bench_database_url(default_name: str = "seb_bench") -> tuple[str, str, str]:
    """(server maintenance URL, bench URL, bench database name), from DATABASE_URL.

    A benchmark works in a database of its own (BENCH_DATABASE), made and dropped on
    the server DATABASE_URL names; it never touches DATABASE_URL's own database.
    """
    if os.environ.get("DATABASE_URL"):
        server = os.environ["DATABASE_URL"]
    else:
        from config.postgresql import embedded

        server = embedded.start()[0]
    parts = urlsplit(server)
    name = os.environ.get("BENCH_DATABASE", default_name)
    if parts.path.lstrip("/") == name:
        sys.exit(f"BENCH_DATABASE {name!r} is the database DATABASE_URL names: choose another")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return maintenance, urlunsplit(parts._replace(path=f"/{name}")), name


def recreate_database(maintenance: str, name: str, *, drop_only: bool = False) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def in_bench_database(default_name: str, *, keep: bool, work: Callable[[str, Path], None]) -> None:
    """Run `work(database name, a temporary folder)` on a new, migrated bench database,
    then drop the database (unless `keep`) and the folder, whatever happens."""
    import shutil
    import tempfile

    maintenance, url, name = bench_database_url(default_name)
    recreate_database(maintenance, name)
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    try:
        setup_django(url)
        migrate()
        work(name, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        from django.db import connections

        connections.close_all()
        if not keep:
            recreate_database(maintenance, name, drop_only=True)


# Measuring ----------------------------------------------------------------------


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def in_child(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run `work` in a forked child: (seconds, its peak RSS in MB, its result)."""
    from django.db import connections

    connections.close_all()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(reader)
        code = 0
        try:
            started = time.perf_counter()
            result = work()
            payload = {"seconds": time.perf_counter() - started, "result": result}
        except BaseException as error:
            payload = {"error": repr(error)}
            code = 1
        with os.fdopen(writer, "w") as out:
            json.dump(payload, out, default=str)
        os._exit(code)
    os.close(writer)
    with os.fdopen(reader) as out:
        payload = json.loads(out.read() or "{}")
    _, _, usage = os.wait4(pid, 0)
    if "error" in payload:
        raise RuntimeError(payload["error"])
    return payload["seconds"], usage.ru_maxrss / 1024, payload["result"]


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def line(label: str, value: str, limit: str = "", verdict: bool | None = None) -> None:
    """One figure of the report: what, how much, against what, and whether it meets it."""
    mark = "" if verdict is None else ("  ok" if verdict else "  MISSED")
    print(f"  {label:<52} {value:>14}   {limit}{mark}", flush=True)


def heading(text: str) -> None:
    print(f"\n{text}", flush=True)


# Plausible rows -------------------------------------------------------------------


def answer_pool(size: int, seed: int) -> list[tuple[str, dict[str, str]]]:
    """`size` plausible (mode, answers) pairs (seb.demo's distributions), to draw rows from."""
    from seb.demo import plausible_answers
    from seb.standard import Mode, load_standard

    standard = load_standard()
    generator = Random(seed)
    modes = [Mode.ONLINE, Mode.FACE_TO_FACE, Mode.TELEPHONE]
    pool = []
    for _ in range(size):
        mode = generator.choices(modes, weights=[60, 22, 18])[0]
        pool.append((mode.value, plausible_answers(standard, mode, generator)))
    return pool


def interchange_rows(rows: int, seed: int) -> Iterator[list[str]]:
    """`rows` rows of the interchange format (without derived columns)."""
    from seb.interchange import COLUMNS

    pool = answer_pool(5000, seed)
    generator = Random(seed + 1)
    keys = COLUMNS[1:-1]
    for number in range(rows):
        mode, answers = pool[generator.randrange(len(pool))]
        yield [mode, *(answers.get(key, "") for key in keys), f"R-{number:08d}"]
