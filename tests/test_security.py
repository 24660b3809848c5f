"""The security baseline: deploy checks, headers, error pages and logs."""

from __future__ import annotations

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from surveys.logging import RedactIdentifiers
from surveys.models import Response, Survey

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "seb.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "PUBLIC_BASE_URL": "https://seb.example.org",
}


def test_deploy_check_is_clean_with_production_settings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("setting", "value", "warning"),
    [
        ("PUBLIC_BASE_URL", "http://seb.example.org", "surveys.W002"),
        ("PUBLIC_BASE_URL", "HTTP://seb.example.org", "surveys.W002"),
        ("ALLOWED_HOSTS", "*", "surveys.W003"),
        ("ALLOWED_HOSTS", "seb.example.org,*", "surveys.W003"),
    ],
)
def test_deploy_check_warns_on_a_plain_http_address_or_a_wildcard_host(
    setting: str, value: str, warning: str
) -> None:
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, setting: value}
    )
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_is_never_in_debug() -> None:
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        **{**PRODUCTION, "DEBUG": "true"},
    )
    assert result.stdout.strip().splitlines()[-1] == "False", result.stderr


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client: Client, survey) -> None:
    response = client.get(f"/s/{survey.slug}/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_inline_script_carries_the_policys_nonce(client: Client, survey) -> None:
    response = client.get(f"/s/{survey.slug}/")
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31536000, SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True
)
def test_secure_requests_get_hsts_and_secure_cookies(client: Client, survey) -> None:
    response = client.post(f"/s/{survey.slug}/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response.cookies[f"seb-response-{survey.slug}"]["secure"]


@pytest.mark.django_db
def test_unknown_pages_get_the_services_404_page(client: Client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.server_error_expected
def test_a_server_error_shows_the_500_page_saying_answers_are_saved(
    survey, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("surveys.views.respondent.StartView.get", broken)
    client = Client(raise_request_exception=False)
    response = client.get(f"/s/{survey.slug}/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Your earlier answers are saved" in page
    assert "boom" not in page and "Traceback" not in page


@pytest.mark.django_db
def test_no_answer_value_or_identifier_reaches_the_logs(
    client: Client, survey, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Walk a journey with every logger at DEBUG, and a failing request, then read the logs."""
    caplog.handler.addFilter(RedactIdentifiers())
    with caplog.at_level(logging.DEBUG):
        client.post(f"/s/{survey.slug}/")
        client.post(f"/s/{survey.slug}/questions/school_type/", {"answer": "independent_bursary"})
        response_id = str(Response.objects.get().pk)
        logging.getLogger("django.request").error(
            "Internal Server Error: /interview/%s/", response_id
        )
    text = caplog.text
    assert "independent_bursary" not in text
    assert "bursary covering" not in text
    assert response_id not in text
    assert response_id.replace("-", "") not in text


def test_the_redaction_filter_replaces_uuids_in_formatted_messages() -> None:
    record = logging.LogRecord(
        "x",
        logging.ERROR,
        __file__,
        1,
        "Not Found: %s",
        ("/c/2f1c7a0e-1d2b-4c3d-9e8f-0a1b2c3d4e5f/",),
        None,
    )
    RedactIdentifiers().filter(record)
    assert record.getMessage() == "Not Found: /c/[id]/"


@pytest.mark.django_db
def test_staff_pages_and_downloads_are_never_stored_by_a_cache(
    client: Client, survey, make_staff
) -> None:
    """Pages with figures or answers carry Cache-Control: no-store; so does every download."""
    from surveys.access import ANALYST, INTERVIEWER

    client.force_login(make_staff("staff-member", ANALYST, INTERVIEWER))
    for url in (
        "/analysis/",
        f"/analysis/{survey.slug}/",
        f"/analysis/{survey.slug}/download/output-tables-nssec5.xlsx",
        f"/analysis/{survey.slug}/download/school_type.csv",
        "/interview/",
        f"/s/{survey.slug}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url


@pytest.mark.django_db
def test_static_files_keep_their_own_caching(client: Client) -> None:
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def _drop_own_connection() -> None:
    """Have PostgreSQL end this thread's connection, as a restart of the server does."""
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"],
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        dbname=settings_dict["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [backend])


@pytest.mark.django_db(transaction=True)
def test_a_connection_dropped_by_a_database_restart_is_replaced(survey) -> None:
    """After the database drops a reused connection, the next request's first query is
    answered on a new connection (CONN_HEALTH_CHECKS), not failed."""
    from django.db import close_old_connections, connection

    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    _drop_own_connection()
    close_old_connections()  # what Django does as each request starts
    assert Survey.objects.filter(pk=survey.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_without_health_checks_the_first_query_on_a_dropped_connection_fails(survey) -> None:
    """The control for the test above: the setting is what saves the request."""
    from django.db import OperationalError, close_old_connections, connection

    _drop_own_connection()
    connection.health_check_enabled = False
    try:
        close_old_connections()
        with pytest.raises(OperationalError):
            Survey.objects.filter(pk=survey.pk).exists()
    finally:
        connection.health_check_enabled = True
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_a_live_connection_is_checked_without_a_round_trip(survey, monkeypatch) -> None:
    """The health check looks at the socket; only a connection the server has ended is
    asked `SELECT 1` (Django's own check) and then replaced."""
    from django.db import close_old_connections, connection
    from django.db.backends.postgresql import base

    asked = []
    real = base.DatabaseWrapper.is_usable

    def counted(self):  # type: ignore[no-untyped-def]
        asked.append(self.alias)
        return real(self)

    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", counted)
    assert connection.vendor == "postgresql"
    from django.db import connections

    assert type(connections["default"]).__module__ == "config.postgresql.base"
    connection.ensure_connection()
    live = connection.connection
    close_old_connections()
    assert Survey.objects.filter(pk=survey.pk).exists()
    assert asked == [] and connection.connection is live
    _drop_own_connection()
    close_old_connections()
    assert Survey.objects.filter(pk=survey.pk).exists()
    assert asked == ["default"] and connection.connection is not live
