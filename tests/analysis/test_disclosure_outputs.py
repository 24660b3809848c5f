"""Every figure the new outputs publish follows the disclosure rules, output by output:
the tables page's confidence intervals, the comparison page, and the chart downloads."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from seb.disclosure import CONFIDENTIAL, percentage_of
from seb.statistics import interval, interval_text
from surveys.models import Survey

from .conftest import SLUG, plausible_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(survey: Survey) -> Survey:
    plausible_responses(survey, 140, seed=51)
    return survey


def table_rows(html: str, table_id: str) -> list[list[str]]:
    start = html.index(f'id="{table_id}"')
    body = html[html.index("<tbody", start) : html.index("</table>", start)]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def number(text: str) -> int | str:
    return int(text.replace(",", "")) if text.replace(",", "").isdigit() else text


@pytest.mark.parametrize("query", ["", "?mode=telephone", "?classes=3&mode=face_to_face"])
def test_the_tables_page_intervals_come_from_the_published_figures(
    plain_client: Client, answered: Survey, query: str
) -> None:
    html = plain_client.get(f"/analysis/{SLUG}/{query}").content.decode()
    for key in re.findall(r'<table[^>]*id="table-(\w+)"', html):
        rows = table_rows(html, f"table-{key}")
        total = number(rows[-1][1])
        for label, count, percentage, shown_interval in rows[:-1]:
            count = number(count)
            assert count == 0 or count >= 10, label  # no figure from 1 to 9
            if count == CONFIDENTIAL or total == CONFIDENTIAL:
                assert percentage == shown_interval == CONFIDENTIAL
            else:
                assert isinstance(total, int)
                assert float(percentage) == percentage_of(count, total)
                assert shown_interval == interval_text(interval(count, total))
        assert rows[-1][3] == "[z]"


def test_the_comparison_page_publishes_each_column_under_the_rules(
    plain_client: Client, answered: Survey
) -> None:
    html = plain_client.get(f"/analysis/{SLUG}/compare/mode/?table=school_type").content.decode()
    rows = table_rows(html, "comparison-table")
    totals = [number(rows[-1][1 + 3 * column]) for column in range(3)]
    for row in rows[:-1]:
        for column in range(3):
            count, percentage, shown_interval = row[1 + 3 * column : 4 + 3 * column]
            count = number(count)
            assert count == 0 or count >= 10  # no figure from 1 to 9
            total = totals[column]
            if count == CONFIDENTIAL or total == CONFIDENTIAL:
                assert percentage == shown_interval == CONFIDENTIAL
            else:
                assert float(percentage) == percentage_of(count, total)  # type: ignore[arg-type]
                assert shown_interval == interval_text(interval(count, total))
        base = row[2]
        for column, difference in zip((1, 2), row[10:], strict=True):
            other = row[2 + 3 * column]
            if CONFIDENTIAL in (base, other):
                assert difference == CONFIDENTIAL
            else:
                assert float(difference) == pytest.approx(float(other) - float(base))


@pytest.mark.parametrize(
    "url",
    [f"/analysis/{SLUG}/download/nssec5-chart.svg", f"/analysis/{SLUG}/compare/mode/download.svg"],
)
def test_chart_downloads_draw_only_published_percentages(
    plain_client: Client, answered: Survey, url: str
) -> None:
    """The percentages a chart draws are among those its published table shows."""
    svg = plain_client.get(url).content.decode()
    drawn = {text for text in re.findall(r">(\d+\.\d)%<", svg)}
    page_url = f"/analysis/{SLUG}/" if "chart" in url else f"/analysis/{SLUG}/compare/mode/"
    page = plain_client.get(page_url).content.decode()
    published = set(re.findall(r'numeric[^"]*">(?:<strong>)?(\d+\.\d)<', page))
    assert drawn and drawn <= published
