"""The differencing attacker (tests/analysis/attacker.py), lightly, on the table of
self-coded NS-SEC by full NS-SEC: every range of days of a three-day survey asked of the
API, every cell, row total, column total and grand total of each answer confined to the
counts that could have been published as it; no true count from 1 to 9 is pinned."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from random import Random
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client
from pytest_django.fixtures import Settings

from api.tokens import token_create
from seb.demo import plausible_answers
from seb.occupation.tables import SELF_BY_FULL
from seb.perturbation import ptable
from seb.standard import Mode, load_standard
from surveys.models import Response, Survey
from surveys.responses.bulk import NewResponse, complete, responses_create

from .attacker import System, attack, preimages
from .conftest import SLUG
from .occupation import add_job_titles

pytestmark = pytest.mark.django_db

DAYS = 3
FIRST = date(2026, 3, 2)


def three_days_of_responses(survey: Survey, count: int, *, seed: int) -> None:
    rng = Random(seed)
    standard = load_standard(survey.standard_version)
    zone = ZoneInfo(django_settings.TIME_ZONE)
    rows = []
    for _ in range(count):
        day = FIRST + timedelta(days=rng.randrange(DAYS))
        rows.append(
            NewResponse(
                complete=complete(
                    survey, Mode.ONLINE, plausible_answers(standard, Mode.ONLINE, rng)
                ),
                completed_at=datetime.combine(day, time(12), tzinfo=zone),
            )
        )
    responses_create(survey=survey, responses=rows)


def test_no_count_from_1_to_9_of_the_occupation_table_is_pinned_by_every_day_range(
    client: Client, survey: Survey, analyst_user: User, settings: Settings
) -> None:
    settings.API_RATE_LIMIT = "1000/minute"
    survey.asks_job_title = True
    survey.save(update_fields=["asks_job_title"])
    three_days_of_responses(survey, 120, seed=8)
    add_job_titles(survey, seed=8)
    token = token_create(user=analyst_user, name="attacker")[1]
    rows = [code for code, _ in SELF_BY_FULL.rows]
    columns = [code for code, _ in SELF_BY_FULL.columns]
    system = System()
    unknown = {
        (day, row, column): system.unknown()
        for day in range(DAYS)
        for row in rows
        for column in columns
    }
    intervals = preimages(ptable(), 200)
    published: dict[tuple[int, ...], int] = {}

    def confine(cell: tuple[int, ...], figure: int) -> None:
        cell = tuple(sorted(cell))
        if published.setdefault(cell, figure) != figure:
            raise AssertionError(f"one set of responses published as two figures: {cell}")
        system.rows.append((cell, *intervals[figure]))

    for start, end in itertools.combinations_with_replacement(range(DAYS), 2):
        answer = client.get(
            f"/api/v1/surveys/{SLUG}/tables/?date_from={FIRST + timedelta(days=start)}"
            f"&date_to={FIRST + timedelta(days=end)}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200, answer.content
        (table,) = answer.json()["cross_tables"]
        days = range(start, end + 1)
        for row, shown in zip([*rows, None], table["rows"], strict=True):
            in_rows = rows if row is None else [row]
            for column, figure in zip(columns, shown["counts"], strict=True):
                confine(tuple(unknown[(d, r, column)] for d in days for r in in_rows), figure)
            confine(
                tuple(unknown[(d, r, c)] for d in days for r in in_rows for c in columns),
                shown["total"],
            )

    truth = np.zeros(system.unknowns)
    zone = ZoneInfo(django_settings.TIME_ZONE)
    for response in Response.objects.filter(survey=survey).select_related("job_title"):
        assert response.completed_at is not None
        day = (response.completed_at.astimezone(zone).date() - FIRST).days
        title = getattr(response, "job_title", None)
        truth[unknown[(day, response.nssec5, (title.nssec8 if title else "") or None)]] += 1
    targets = {}
    for cell in published:
        value = int(truth[list(cell)].sum())
        if 1 <= value <= 9:
            targets[cell] = value
    assert targets
    everything = list(unknown.values())

    def propose(rng: Random, solution: np.ndarray) -> list[tuple[int, int]]:
        """One response more or fewer in a cell, or one moved from a cell to another."""
        a, b = rng.sample(everything, 2)
        kind = rng.randrange(3)
        return [(a, 1)] if kind == 0 else [(a, -1)] if kind == 1 else [(a, -1), (b, 1)]

    verdict = attack(system, truth, targets, propose, seed=8, steps=100_000)
    print(
        f"attacker: {len(published)} figures published, {verdict.targets} counts from 1 to 9; "
        f"pinned {len(verdict.pinned)}, undecided {len(verdict.undecided)}"
    )
    assert verdict.pinned == []
    assert verdict.undecided == []
