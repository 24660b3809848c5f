"""The read-only API: tokens, roles and permissions, disclosure control, rate limits."""

from __future__ import annotations

import csv
import io
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from pytest_django.fixtures import Settings

from api.job_handlers import delete_old_rate_counts
from api.models import ApiRateCount, ApiToken
from api.tokens import token_create
from surveys.access import INTERVIEWER
from surveys.models import Survey
from tests.classification.helpers import published_figure, published_pair

from .conftest import SLUG, plausible_responses

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def answered(survey: Survey) -> Survey:
    plausible_responses(survey, 150, seed=21)
    return survey


@pytest.fixture
def token(analyst_user: User) -> str:
    return token_create(user=analyst_user, name="tests")[1]


@pytest.fixture
def unrounded_token(unrounded_analyst: User) -> str:
    return token_create(user=unrounded_analyst, name="tests")[1]


def get(client: Client, url: str, token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, headers=headers)


def counts_in(data: Any) -> Iterator[Any]:
    """Every "count" anywhere in an API answer."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "count":
                yield value
            else:
                yield from counts_in(value)
    elif isinstance(data, list):
        for item in data:
            yield from counts_in(item)


def assert_controlled(data: Any) -> None:
    """Every count is 0, [z] or a figure from 10 up; nothing says it is unrounded."""
    for count in counts_in(data):
        assert count == "[z]" or count == 0 or count >= 10, count  # no figure from 1 to 9
    assert '"controlled": false' not in json.dumps(data)


def test_the_command_prints_a_token_that_works_and_is_stored_hashed(
    client: Client, analyst_user: User, answered: Survey
) -> None:
    out = StringIO()
    call_command("api_token", analyst_user.username, stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("seb_")
    stored = ApiToken.objects.get(user=analyst_user)
    assert token not in (stored.digest, stored.prefix) and len(stored.digest) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM api_apitoken WHERE digest = %s", [token])
        assert cursor.fetchone()[0] == 0
    assert get(client, f"{API}/surveys/", token).status_code == 200


def test_the_command_refuses_whom_the_api_would_refuse(
    make_staff: Callable[..., User], db: None
) -> None:
    with pytest.raises(CommandError, match="no user"):
        call_command("api_token", "nobody")
    make_staff("caller", INTERVIEWER)
    with pytest.raises(CommandError, match="analyst role"):
        call_command("api_token", "caller")
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer seb_x_y", "Token abc", "Bearer a b"])
def test_requests_without_a_good_token_are_refused(
    client: Client, answered: Survey, header: str
) -> None:
    response = client.get(f"{API}/surveys/", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert "detail" in response.json()


def test_a_revoked_token_is_refused(client: Client, analyst_user: User, answered: Survey) -> None:
    row, token = token_create(user=analyst_user, name="to revoke")
    assert get(client, f"{API}/surveys/", token).status_code == 200
    client.force_login(analyst_user)
    assert client.post(f"/api/tokens/{row.pk}/revoke/").status_code == 302
    client.logout()
    response = get(client, f"{API}/surveys/", token)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_a_token_of_someone_no_longer_active_or_no_longer_an_analyst_is_refused(
    client: Client, analyst_user: User, answered: Survey
) -> None:
    _, token = token_create(user=analyst_user, name="t")
    analyst_user.groups.clear()
    assert get(client, f"{API}/surveys/", token).status_code == 403
    analyst_user.is_active = False
    analyst_user.save()
    assert get(client, f"{API}/surveys/", token).status_code == 401


def test_tables_are_disclosure_controlled_by_default(
    client: Client, answered: Survey, token: str
) -> None:
    response = get(client, f"{API}/surveys/{SLUG}/tables/?classes=both", token)
    assert response.status_code == 200
    data = response.json()
    assert data["controlled"] is True
    assert [table["key"] for table in data["tables"]] == [
        "school_type",
        "free_school_meals",
        "nssec5",
        "nssec3",
        "parental_qualification",
    ]
    assert_controlled(data)
    row = data["tables"][0]["rows"][0]
    assert set(row) == {"label", "count", "percentage", "lower", "upper", "is_total"}


def test_unrounded_figures_need_the_permission(
    client: Client, answered: Survey, token: str, unrounded_token: str
) -> None:
    for url in (
        f"{API}/surveys/{SLUG}/tables/?figures=unrounded",
        f"{API}/surveys/{SLUG}/tables/nssec5/?figures=unrounded",
        f"{API}/surveys/{SLUG}/comparisons/mode/?figures=unrounded",
        f"{API}/surveys/{SLUG}/microdata/",
    ):
        refused = get(client, url, token)
        assert refused.status_code == 403, url
        assert "unrounded" in refused.json()["detail"]
    allowed = get(client, f"{API}/surveys/{SLUG}/tables/?figures=unrounded", unrounded_token)
    data = allowed.json()
    assert data["controlled"] is False
    assert data["tables"][0]["rows"][-1]["count"] == 150  # the exact total


def test_microdata_is_streamed_as_csv_with_a_name_that_says_what_it_is(
    client: Client, answered: Survey, unrounded_token: str
) -> None:
    response = get(client, f"{API}/surveys/{SLUG}/microdata/?mode=online", unrounded_token)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "_microdata_online_" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["mode", "school_type"]
    assert {row[0] for row in rows[1:]} == {"online"}


def test_a_microdata_download_is_audited_as_the_tokens_owners_and_a_refusal_is_not(
    client: Client, answered: Survey, token: str, unrounded_token: str, unrounded_analyst: User
) -> None:
    url = f"{API}/surveys/{SLUG}/microdata/"
    assert get(client, url, token).status_code == 403
    assert get(client, f"{url}?mode=bus", unrounded_token).status_code == 400
    assert not LogEntry.objects.filter(additional_data__event="microdata_downloaded").exists()
    response = get(client, f"{API}/surveys/{SLUG}/microdata/?mode=online", unrounded_token)
    assert response.status_code == 200
    entry = LogEntry.objects.get(additional_data__event="microdata_downloaded")
    assert entry.actor == unrounded_analyst
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.object_pk == str(answered.pk)
    assert entry.additional_data["selection"] == "mode=online"
    assert entry.additional_data["via"] == "api"
    assert entry.additional_data["token"].startswith("tests (")
    assert unrounded_token not in json.dumps(entry.additional_data)


def test_a_comparison_has_each_column_controlled_and_its_differences(
    client: Client, answered: Survey, token: str
) -> None:
    response = get(client, f"{API}/surveys/{SLUG}/comparisons/mode/?table=school_type", token)
    data = response.json()
    assert response.status_code == 200
    assert data["mixes_modes"] is True
    assert [column["label"] for column in data["columns"]] == [
        "Online",
        "Face to face",
        "Telephone",
    ]
    assert len(data["differences"]) == 2
    assert_controlled(data)


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"{API}/surveys/{SLUG}/tables/?mode=postal", "mode"),
        (f"{API}/surveys/{SLUG}/tables/?date_from=2025-02-31", "date_from"),
        (f"{API}/surveys/{SLUG}/tables/?date_from=2025-03-01&date_to=2025-02-01", "date_to"),
        (f"{API}/surveys/{SLUG}/comparisons/period/", "first_from"),
        (f"{API}/surveys/{SLUG}/comparisons/survey/?other=nowhere", "other"),
        (f"{API}/surveys/{SLUG}/comparisons/reference/?reference=99", "reference"),
        (f"{API}/surveys/{SLUG}/comparisons/variable/?variable=region", "variable"),
    ],
)
def test_bad_parameters_get_a_400_that_names_them(
    client: Client, answered: Survey, token: str, url: str, field: str
) -> None:
    response = get(client, url, token)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/surveys/nowhere/",
        f"{API}/surveys/nowhere/tables/",
        f"{API}/surveys/{SLUG}/tables/everything/",
        f"{API}/surveys/{SLUG}/comparisons/sideways/",
    ],
)
def test_unknown_things_are_404_in_json(
    client: Client, answered: Survey, token: str, url: str
) -> None:
    response = get(client, url, token)
    assert response.status_code == 404
    assert "detail" in response.json()


def test_only_reading_is_allowed(client: Client, answered: Survey, token: str) -> None:
    response = client.post(f"{API}/surveys/", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 405


def test_requests_past_the_rate_limit_are_refused_and_counted_across_processes(
    client: Client, answered: Survey, token: str, settings: Settings
) -> None:
    """Counts are kept in a database table, which every server process shares."""
    settings.API_RATE_LIMIT = "3/minute"
    for _ in range(3):
        assert get(client, f"{API}/surveys/", token).status_code == 200
    refused = get(client, f"{API}/surveys/", token)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert ApiRateCount.objects.get().count == 4


@pytest.mark.django_db(transaction=True)
def test_of_300_requests_at_once_exactly_the_limit_get_through(
    live_server: Any, analyst_user: User, settings: Settings
) -> None:
    """Each request is counted and judged in one statement, so parallel requests
    cannot each read the same count: of 300 sent by 30 threads to a live server,
    exactly the limit succeed and the rest are refused."""
    settings.API_RATE_LIMIT = "120/day"
    secret = token_create(user=analyst_user, name="parallel")[1]

    def fetch(_: int) -> int:
        request = urllib.request.Request(
            f"{live_server.url}{API}/references/", headers={"Authorization": f"Bearer {secret}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return int(response.status)
        except urllib.error.HTTPError as error:
            return int(error.code)

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(fetch, range(300)))
    assert (statuses.count(200), statuses.count(429)) == (120, 180)
    assert ApiRateCount.objects.get().count == 300


def test_past_windows_counts_are_deleted(settings: Settings) -> None:
    settings.API_RATE_LIMIT = "120/minute"
    now = int(time.time() // 60) * 60
    ApiRateCount.objects.create(key="token-1", window_start=now - 60, count=5)
    ApiRateCount.objects.create(key="token-1", window_start=now, count=5)
    assert delete_old_rate_counts() == 1
    assert list(ApiRateCount.objects.values_list("window_start", flat=True)) == [now]


def test_the_openapi_description_is_served_and_valid(client: Client, db: None) -> None:
    from drf_spectacular.validation import validate_schema

    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert {
        "/api/v1/surveys/",
        "/api/v1/surveys/{slug}/",
        "/api/v1/surveys/{slug}/tables/",
        "/api/v1/surveys/{slug}/tables/{key}/",
        "/api/v1/surveys/{slug}/comparisons/{dimension}/",
        "/api/v1/surveys/{slug}/microdata/",
        "/api/v1/references/",
    } == paths
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


def test_the_docs_page_lists_every_operation_of_the_description(client: Client, db: None) -> None:
    schema = client.get("/api/openapi.json").json()
    html = client.get("/api/").content.decode().replace("<wbr>", "")
    for path, methods in schema["paths"].items():
        for operation in methods.values():
            assert f'id="{operation["operationId"]}"' in html
            assert path in html
    assert "style=" not in html and "<style" not in html


def test_staff_make_and_revoke_their_own_tokens_on_a_page(
    client: Client, analyst_user: User, make_staff: Callable[..., User]
) -> None:
    client.force_login(analyst_user)
    made = client.post("/api/tokens/", {"name": "weekly tables"})
    assert made.status_code == 200
    html = made.content.decode()
    row = ApiToken.objects.get(user=analyst_user)
    assert f"seb_{row.prefix}_" in html  # the token, shown this once
    again = client.get("/api/tokens/").content.decode()
    assert f"seb_{row.prefix}_" not in again.replace(f"seb_{row.prefix}</code>", "")
    assert "weekly tables" in again
    other = make_staff("other-analyst", "analyst")
    theirs, _ = token_create(user=other, name="theirs")
    client.post(f"/api/tokens/{theirs.pk}/revoke/")
    theirs.refresh_from_db()
    assert theirs.revoked_at is None  # nobody revokes another's token
    assert client.post("/api/tokens/", {"name": ""}).status_code == 400


def test_the_tokens_page_is_for_analysts(client: Client, interviewer: User, db: None) -> None:
    assert client.get("/api/tokens/").status_code == 302
    client.force_login(interviewer)
    assert client.get("/api/tokens/").status_code == 403
    assert client.post("/api/tokens/", {"name": "x"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_the_api_publishes_the_perturbed_figures_and_nothing_else(
    client: Client, answered: Survey, token: str
) -> None:
    """Each count is the cell key method's figure for its responses, worked out from the
    responses' own record keys; the percentage is of the published figures."""
    data = get(client, f"{API}/surveys/{SLUG}/tables/?mode=online", token).json()
    school = next(table for table in data["tables"] if table["key"] == "school_type")
    base = {"mode": "online"}
    codes = {"Non-selective state": "state", "Selective state": "state_selective"}
    rows = {row["label"]: row for row in school["rows"]}
    for label, code in codes.items():
        count, percentage = published_pair(answered, base, school_type=code)
        assert (rows[label]["count"], rows[label]["percentage"]) == (count, percentage)
    assert rows["Total"]["count"] == published_figure(answered, **base)
    assert "record_key" not in json.dumps(data) and "key_sum" not in json.dumps(data)
