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
from pathlib import Path

import pytest
from django.db import connection

from surveys.models import Response
from tests.database_urls import database_url

ROOT = Path(__file__).resolve().parent.parent
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


@pytest.mark.django_db(transaction=True)
def test_the_production_like_run_answers_a_survey_and_stops_cleanly(
    make_survey, tmp_path: Path
) -> None:
    survey = make_survey("smoke", offers_face_to_face=False, offers_telephone=False)
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
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [*manage, "serve", "--bind", f"127.0.0.1:{port}", "--web-workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
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
        log.close()
    assert code == 0
    lines = log_path.read_text().splitlines()
    # The application was loaded and warmed once, in gunicorn's master, before the
    # workers were forked from it (config/gunicorn.py).
    assert sum("Warmed" in line and "templates" in line for line in lines) == 1, lines[:20]
    access = [json.loads(line) for line in lines if line.startswith("{")]
    assert any("/s/smoke/questions/" in entry.get("message", "") for entry in access), lines[:20]
