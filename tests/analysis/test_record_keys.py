"""Record keys: every response has one from every path that makes it, the tallies sum
them, and no output carries them (issue 17, item 1)."""

from __future__ import annotations

import importlib
import io
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pyreadstat
import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from api.tokens import token_create
from seb.standard import Mode
from surveys.models import TALLY_COLUMNS, Response, ResponseTally, Survey
from surveys.responses.lifecycle import response_start
from surveys.responses.tallies import tallies_rebuild

from .conftest import SLUG, plausible_responses

pytestmark = pytest.mark.django_db


def key_sums_from_responses(survey: Survey) -> dict[tuple[str, str, str, str], tuple[int, int]]:
    sums: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for response in Response.objects.filter(survey=survey, status="complete", is_test=False):
        assert response.completed_at is not None
        day = timezone.localtime(response.completed_at).date().isoformat()
        for column in TALLY_COLUMNS:
            row = sums[(column, day, response.mode, getattr(response, column) or "")]
            row[0] += 1
            row[1] += response.record_key
    return {key: (count, keys) for key, (count, keys) in sums.items()}


def stored_key_sums(survey: Survey) -> dict[tuple[str, str, str, str], tuple[int, int]]:
    return {
        (tally.variable, tally.day.isoformat(), tally.mode, tally.code): (
            tally.count,
            tally.key_sum,
        )
        for tally in ResponseTally.objects.filter(survey=survey)
    }


def test_a_response_started_online_gets_a_record_key_from_the_database(survey: Survey) -> None:
    keys = {response_start(survey=survey, mode=Mode.ONLINE).record_key for _ in range(40)}
    assert all(0 <= key < 256 for key in keys)
    assert len(keys) > 20  # random, not one default
    stored = set(Response.objects.filter(survey=survey).values_list("record_key", flat=True))
    assert stored == keys


def test_bulk_made_responses_get_keys_and_the_tallies_sum_them(survey: Survey) -> None:
    """The import's COPY path (and the demo's, which uses it) draws its own keys."""
    plausible_responses(survey, 300, seed=5)
    keys = list(Response.objects.filter(survey=survey).values_list("record_key", flat=True))
    assert all(0 <= key < 256 for key in keys) and len(set(keys)) > 100
    assert stored_key_sums(survey) == key_sums_from_responses(survey)


def test_rebuilding_the_tallies_gives_the_same_key_sums(survey: Survey) -> None:
    plausible_responses(survey, 120, seed=6)
    before = stored_key_sums(survey)
    tallies_rebuild(survey=survey)
    assert stored_key_sums(survey) == before


def test_record_keys_leave_in_no_microdata_file_nor_the_api(
    unrounded_client: Client, unrounded_analyst: User, survey: Survey, tmp_path: Path
) -> None:
    plausible_responses(survey, 30, seed=7)
    csv_text = b"".join(
        unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv").streaming_content
    ).decode("utf-8-sig")
    assert "record_key" not in csv_text and "key" not in csv_text.splitlines()[0].lower()
    for extension, reader in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
        content = b"".join(
            unrounded_client.get(
                f"/analysis/{SLUG}/download/microdata.{extension}"
            ).streaming_content
        )
        path = tmp_path / f"m.{extension}"
        path.write_bytes(content)
        frame, _ = reader(str(path))
        assert not [column for column in frame.columns if "key" in column.lower()]
    token = token_create(user=unrounded_analyst, name="t")[1]
    answer = Client().get(
        f"/api/v1/surveys/{SLUG}/microdata/", headers={"Authorization": f"Bearer {token}"}
    )
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    assert b"record_key" not in body
    assert Response._meta.get_field("record_key").editable is False


def test_record_keys_leave_in_no_microdata_workbook_nor_the_admin(
    unrounded_client: Client, make_staff: Callable[..., User], survey: Survey
) -> None:
    plausible_responses(survey, 5, seed=8)
    content = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.xlsx")
    body = b"".join(content.streaming_content) if content.streaming else content.content
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and "record" in v.lower() for v in row)
    admin = make_staff("admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)
    response = Response.objects.filter(survey=survey).first()
    assert response is not None
    page = client.get(f"/admin/surveys/response/{response.pk}/change/")
    assert page.status_code == 200
    assert "record" not in page.content.decode().lower()


def test_migration_0017_counts_the_key_sums_of_the_tallies_that_exist(survey: Survey) -> None:
    """Tallies made before record keys get their key sums from their responses."""
    plausible_responses(survey, 80, seed=9)
    expected = stored_key_sums(survey)
    ResponseTally.objects.filter(survey=survey).update(key_sum=0)
    migration = importlib.import_module("surveys.migrations.0017_record_keys")
    migration.count_key_sums(None, SimpleNamespace(connection=connection))
    assert stored_key_sums(survey) == expected
