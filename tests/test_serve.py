"""The production-like run: gunicorn and the worker with production settings, answering
a survey over real HTTP, surviving dropped database connections, stopping cleanly."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

from surveys.models import Response
from tests.database_urls import database_url

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
ANSWERS = {
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "not_working",
    "parental_qualification": "degree",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Browser:
    """Just enough of a browser: cookies, redirects, and the CSRF token of each form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.page = ""
        self.url = ""

    def get(self, path: str) -> int:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict[str, str]) -> int:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.page)
        assert token, f"no form on {self.url}"
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token[1], **data}).encode()
        return self._open(urllib.request.Request(self.base + path, data=body, method="POST"))

    def _open(self, request: urllib.request.Request) -> int:
        try:
            with self.opener.open(request, timeout=30) as response:
                self.page = response.read().decode()
                self.url = response.url
                return int(response.status)
        except urllib.error.HTTPError as error:
            self.page = error.read().decode()
            return int(error.code)


def wait_until_ready(base: str, server: subprocess.Popen[bytes], seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    last: dict = {}
    while time.monotonic() < deadline:
        assert server.poll() is None, "the service stopped while starting"
        try:
            with urllib.request.urlopen(base + "/readyz", timeout=5) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            last = json.loads(error.read() or b"{}")
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"the service was not ready: {last}")


def production_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a production-like run on the test database; static files made."""
    database = database_url()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DATABASE_URL": database,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
        "JOBS_ROOT": str(tmp_path / "jobs"),
    }
    subprocess.run([*MANAGE, "collectstatic", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    return env


def serve(env: dict[str, str], log_path: Path, *extra: str) -> tuple[str, subprocess.Popen[bytes]]:
    """`manage.py serve` on a free port, its output to `log_path`: (its address, it)."""
    port = free_port()
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [*MANAGE, "serve", "--bind", f"127.0.0.1:{port}", *extra],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    return f"http://127.0.0.1:{port}", server


@pytest.mark.django_db(transaction=True)
def test_the_production_like_run_answers_a_survey_and_stops_cleanly(
    make_survey, tmp_path: Path
) -> None:
    survey = make_survey("smoke", offers_face_to_face=False, offers_telephone=False)
    env = production_env(tmp_path)
    log_path = tmp_path / "serve.log"
    base, server = serve(env, log_path, "--web-workers", "2")
    try:
        assert wait_until_ready(base, server) == {
            "status": "ok",
            "database": "ok",
            "migrations": "ok",
            "worker": "ok",
        }
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
            assert json.loads(response.read()) == {"status": "ok"}

        browser = Browser(base)
        assert browser.get("/s/smoke/") == 200
        start = re.search(r'name="start_token" value="([^"]+)"', browser.page)
        assert start
        assert browser.post("/s/smoke/", {"start_token": start[1]}) == 200
        for key, code in ANSWERS.items():
            assert browser.url.endswith(f"/s/smoke/questions/{key}/"), browser.url
            # The database dropping every connection (as a restart does) loses nothing.
            if key == "earner_employment_status":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
            assert browser.post(f"/s/smoke/questions/{key}/", {"answer": code}) == 200
        assert browser.url.endswith("/s/smoke/check-your-answers/")
        revision = re.search(r'name="revision" value="(\d+)"', browser.page)
        assert revision
        assert browser.post("/s/smoke/check-your-answers/", {"revision": revision[1]}) == 200
        assert "Answers submitted" in browser.page
        response = Response.objects.get(survey=survey)
        assert (response.status, response.answers) == ("complete", ANSWERS)
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=90)
    assert code == 0
    lines = log_path.read_text().splitlines()
    # The application was loaded and warmed once, in gunicorn's master, before the
    # workers were forked from it (config/gunicorn.py).
    assert sum("Warmed" in line and "templates" in line for line in lines) == 1, lines[:20]
    access = [json.loads(line) for line in lines if line.startswith("{")]
    assert any("/s/smoke/questions/" in entry.get("message", "") for entry in access), lines[:20]


def started_pids(log_path: Path, name: str) -> list[int]:
    """The process ids serve logged for `name`, in order."""
    found = re.findall(rf"Started {re.escape(name)} \(pid (\d+)\)", log_path.read_text())
    return [int(pid) for pid in found]


def wait_for_log(log_path: Path, condition: Callable[[str], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition(log_path.read_text()):
        assert time.monotonic() < deadline, log_path.read_text()[-2000:]
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_serve_starts_a_worker_that_died_again_and_keeps_the_web_servers(
    tmp_path: Path,
) -> None:
    """A worker killed with SIGKILL is logged and started again after its back-off,
    twice running (the second delay longer); the web servers answer throughout, and
    the service stops only when asked, cleanly."""
    env = production_env(tmp_path)
    log_path = tmp_path / "serve.log"
    base, server = serve(env, log_path, "--web-workers", "1", "--restart-delay", "0.5")
    try:
        wait_until_ready(base, server)
        web = started_pids(log_path, "the web servers")
        for kill in (1, 2):
            worker = started_pids(log_path, "worker 0")[-1]
            os.kill(worker, signal.SIGKILL)
            wait_for_log(
                log_path, lambda text, n=kill: len(re.findall(r"Started worker 0", text)) > n
            )
            assert server.poll() is None
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                assert response.status == 200
        text = log_path.read_text()
        assert "Worker 0 stopped on its own (exit code -9" in text
        delays = re.findall(r"Worker 0 stopped on its own .*starting it again in ([\d.]+) s", text)
        assert delays == ["0.5", "1.0"]  # doubled: the second stop came soon after the first
        assert started_pids(log_path, "the web servers") == web  # never restarted
        assert wait_until_ready(base, server)["worker"] == "ok"  # the new worker beats
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=90)
    assert code == 0
