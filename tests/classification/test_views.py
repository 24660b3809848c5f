"""The analyst area: who gets in, what the pages show, and the downloads."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from seb.standard import Mode
from seb.statistics import interval
from seb.tables import UNROUNDED_MARK
from surveys.models import Response, Survey

from .conftest import (
    INDEPENDENT_LARGE_EMPLOYER,
    SELECTIVE_NOT_WORKING,
    STATE_EMPLOYEE_CLERICAL,
    BulkResponses,
)
from .helpers import (
    TABLE_HEADER,
    check_structure,
    open_workbook,
    published_figure,
    published_pair,
    published_text,
    table_counts,
)

pytestmark = pytest.mark.django_db

SLUG = "test-survey"
ANALYST_URLS = [
    "/analysis/",
    f"/analysis/{SLUG}/",
    f"/analysis/{SLUG}/download/output-tables-nssec5.xlsx",
    f"/analysis/{SLUG}/download/output-tables-nssecboth.xlsx",
    f"/analysis/{SLUG}/download/school_type.csv",
    f"/analysis/{SLUG}/download/microdata.csv",
    f"/analysis/{SLUG}/download/microdata.xlsx",
]
UNROUNDED_URLS = [
    f"/analysis/{SLUG}/?figures=unrounded",
    f"/analysis/{SLUG}/download/output-tables-nssec5.xlsx?figures=unrounded",
    f"/analysis/{SLUG}/download/nssec5.csv?figures=unrounded",
    f"/analysis/{SLUG}/download/microdata.csv",
    f"/analysis/{SLUG}/download/microdata.xlsx",
]


@pytest.fixture
def responses(survey: Survey, bulk_responses: BulkResponses) -> Survey:
    """23 state-school employees, 7 not working (selective), 4 large employers (independent)."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 23)
    bulk_responses(survey, SELECTIVE_NOT_WORKING, 7, mode=Mode.TELEPHONE)
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 4, mode=Mode.FACE_TO_FACE)
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 2, status=Response.Status.IN_PROGRESS)
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 1, status=Response.Status.STOPPED)
    return survey


def cells(content: bytes, table_id: str) -> dict[str, tuple[str, str]]:
    """An HTML table's rows as label to (count, percentage)."""
    html = content.decode()
    start = html.index(f'id="table-{table_id}"')
    body = html[start : html.index("</table>", start)]
    rows = re.findall(
        r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(?:<strong>)?(.*?)(?:</strong>)?</td>'
        r"\s*<td[^>]*>(?:<strong>)?(.*?)(?:</strong>)?</td>",
        body,
        re.S,
    )
    return {label.strip(): (count, pct) for label, count, pct in rows}


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# Who gets in.


@pytest.mark.parametrize("url", ANALYST_URLS)
def test_anonymous_people_are_sent_to_sign_in(client: Client, survey: Survey, url: str) -> None:
    """Respondents and anyone not signed in are redirected to the staff sign-in page."""
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=")


@pytest.mark.parametrize("url", ANALYST_URLS)
def test_interviewers_are_refused(
    client: Client, survey: Survey, interviewer: User, url: str
) -> None:
    """A signed-in interviewer gets 403 on every analyst page and download."""
    client.force_login(interviewer)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ANALYST_URLS[:3])
def test_staff_without_the_analyst_role_are_refused(
    client: Client, survey: Survey, make_staff: Callable[..., User], url: str
) -> None:
    """Staff status is not the analyst role."""
    client.force_login(make_staff("staff", is_staff=True))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ANALYST_URLS[:3])
def test_a_superuser_holds_the_analyst_role(
    client: Client, responses: Survey, make_staff: Callable[..., User], url: str
) -> None:
    """A superuser holds every role, the analyst's among them."""
    client.force_login(make_staff("admin", is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200


def test_a_respondent_mid_survey_cannot_reach_analyst_pages(client: Client, survey: Survey) -> None:
    """A respondent's session (started on the survey) gives no way into the analyst area."""
    client.get(f"/s/{survey.slug}/")
    assert client.get(f"/analysis/{survey.slug}/").status_code == 302


@pytest.mark.parametrize("url", UNROUNDED_URLS)
def test_analysts_without_the_permission_never_get_unrounded_output(
    analyst_client: Client, responses: Survey, url: str
) -> None:
    """Asking for unrounded tables or microdata without view_unrounded is refused."""
    assert analyst_client.get(url).status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?figures=UNROUNDED",
        "?figures=rounded&figures=unrounded",
        "?figures[]=unrounded",
        "?unrounded=1",
        "?controlled=0",
        "?disclosure=off",
        "?figures=unrounded%00",
        "?classes=5&figures= unrounded",
    ],
)
def test_query_string_tricks_never_turn_disclosure_control_off(
    analyst_client: Client, responses: Survey, query: str
) -> None:
    """Whatever the query string, an analyst without the permission sees rounded figures."""
    page = analyst_client.get(f"/analysis/{SLUG}/{query}")
    if page.status_code == 403:
        return
    assert page.status_code == 200
    assert b"Unrounded figures" not in page.content
    assert cells(page.content, "school_type")["Non-selective state"] == published_text(
        responses, {}, school_type="state"
    )
    for url in (
        f"/analysis/{SLUG}/download/output-tables-nssecboth.xlsx{query}",
        f"/analysis/{SLUG}/download/school_type.csv{query}",
    ):
        download = analyst_client.get(url)
        if download.status_code in (302, 403):
            continue
        assert download.status_code == 200
        assert "unrounded" not in download["Content-Disposition"]
        if ".xlsx" in url:
            workbook = open_workbook(download.content)
            assert table_counts(workbook, "school_type")["Total"] == (
                published_figure(responses),
                100,
            )
        else:
            total = str(published_figure(responses))
            assert csv_rows(download.content)[-1] == ["Total", total, "100.0", "[z]", "[z]"]


def test_analysts_with_the_permission_can_choose_unrounded_figures(
    unrounded_client: Client, responses: Survey
) -> None:
    """With view_unrounded, figures=unrounded shows exact counts and says so."""
    page = unrounded_client.get(f"/analysis/{SLUG}/?figures=unrounded")
    assert page.status_code == 200
    assert b"Unrounded figures" in page.content
    assert cells(page.content, "school_type")["Non-selective state"] == ("23", "67.6")
    assert UNROUNDED_MARK in page.content.decode()
    rounded = unrounded_client.get(f"/analysis/{SLUG}/")
    assert cells(rounded.content, "school_type")["Non-selective state"] == published_text(
        responses, {}, school_type="state"
    )


def test_analysts_with_the_permission_see_microdata_links(
    unrounded_client: Client, analyst_client: Client, responses: Survey
) -> None:
    """Microdata links appear only for analysts allowed unrounded output."""
    assert b"/download/microdata.csv" in unrounded_client.get(f"/analysis/{SLUG}/").content
    assert b"/download/microdata.csv" not in analyst_client.get(f"/analysis/{SLUG}/").content


def test_microdata_downloads_hold_the_selected_complete_responses(
    unrounded_client: Client, responses: Survey
) -> None:
    """Microdata CSV and XLSX: a row per complete response in the selection, with NS-SEC."""
    response = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.csv?mode=telephone")
    assert response.status_code == 200
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="test-survey_microdata_telephone_{today}.csv"'
    )
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1 + 7
    header = rows[0]
    assert {"mode", "nssec5", "nssec3"} <= set(header)
    assert {row[header.index("nssec5")] for row in rows[1:]} == {"not_working"}
    xlsx = unrounded_client.get(f"/analysis/{SLUG}/download/microdata.xlsx")
    assert xlsx.status_code == 200
    sheet = open_workbook(b"".join(xlsx.streaming_content)).worksheets[0]
    assert sheet.max_row == 1 + 34


# The pages.


ONLINE_ROW = r"Online</th>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)"
TOTAL_ROW = r"All modes</th>\s*<td[^>]*><strong>([^<]+)</strong>"


def test_survey_list_counts_complete_in_progress_and_stopped_per_mode_under_control(
    analyst_client: Client, responses: Survey
) -> None:
    """The list shows each survey's complete, in-progress and stopped responses by mode,
    under disclosure control for an analyst who may not see unrounded figures."""
    page = analyst_client.get("/analysis/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'href="/analysis/{SLUG}/"' in html
    online = re.search(ONLINE_ROW, html)
    assert online is not None and online.groups() == tuple(
        str(published_figure(responses, status=status, mode="online"))
        for status in ("complete", "in_progress", "stopped")
    )
    total = re.search(TOTAL_ROW, html)
    assert total is not None and total.group(1) == str(published_figure(responses))


def test_survey_list_shows_exact_counts_to_analysts_allowed_unrounded_figures(
    unrounded_client: Client, responses: Survey
) -> None:
    html = unrounded_client.get("/analysis/").content.decode()
    online = re.search(ONLINE_ROW, html)
    assert online is not None and online.groups() == ("23", "2", "1")
    total = re.search(TOTAL_ROW, html)
    assert total is not None and total.group(1) == "34"


def test_survey_page_shows_the_four_tables_with_disclosure_control(
    analyst_client: Client, responses: Survey
) -> None:
    """The page shows school type, free school meals, NS-SEC and qualification, rounded."""
    page = analyst_client.get(f"/analysis/{SLUG}/")
    assert page.status_code == 200
    school = cells(page.content, "school_type")
    survey = responses
    assert school["Non-selective state"] == published_text(survey, {}, school_type="state")
    assert school["Selective state"] == published_text(survey, {}, school_type="state_selective")
    assert school["Independent or fee-paying"] == published_text(
        survey, {}, school_type="independent"
    )
    assert school["Total"] == (str(published_figure(survey)), "100.0")
    fsm = cells(page.content, "free_school_meals")
    assert fsm["Total"] == (
        str(published_figure(survey, free_school_meals__gt="")),
        "100.0",
    )
    not_asked = published_figure(survey, free_school_meals__isnull=True)
    assert f"Not asked because of the routing (not in this table’s total): {not_asked}" in (
        page.content.decode()
    )
    nssec = cells(page.content, "nssec5")
    assert nssec["Intermediate occupations"] == published_text(survey, {}, nssec5="2")
    assert "nssec3" not in re.findall(r'id="table-(\w+)"', page.content.decode())
    assert set(re.findall(r'id="table-(\w+)"', page.content.decode())) == {
        "school_type",
        "free_school_meals",
        "nssec5",
        "parental_qualification",
    }


def test_survey_page_offers_the_3_class_system(analyst_client: Client, responses: Survey) -> None:
    """classes=3 shows the 3-class NS-SEC table instead of the 5-class one."""
    page = analyst_client.get(f"/analysis/{SLUG}/?classes=3")
    tables = re.findall(r'id="table-(\w+)"', page.content.decode())
    assert "nssec3" in tables and "nssec5" not in tables
    assert cells(page.content, "nssec3")["Intermediate occupations"] == published_text(
        responses, {}, nssec3="2"
    )


def test_survey_page_filters_by_mode_and_date(analyst_client: Client, responses: Survey) -> None:
    """Mode and date filters narrow the tables; a later date range empties them."""
    page = analyst_client.get(f"/analysis/{SLUG}/?mode=online&mode=face_to_face")
    assert cells(page.content, "school_type")["Total"] == (
        str(published_figure(responses, mode__in=["online", "face_to_face"])),
        "100.0",
    )
    future = analyst_client.get(f"/analysis/{SLUG}/?date_from_0=1&date_from_1=1&date_from_2=2999")
    assert future.status_code == 200
    assert cells(future.content, "school_type")["Total"] == ("0", "[x]")


def test_each_table_has_a_bar_chart_without_inline_styles_or_scripts(
    analyst_client: Client, responses: Survey
) -> None:
    """Charts are SVG drawn with attributes: nothing the 'self'-only CSP would block."""
    html = analyst_client.get(f"/analysis/{SLUG}/").content.decode()
    assert html.count("<figure") == 4
    assert html.count("<svg ") >= 4 and 'role="img"' in html
    _, percentage = published_pair(responses, {}, school_type="state")
    assert f"Non-selective state: {percentage}%" in html  # the chart's description of its bar
    assert "style=" not in html
    assert "<style" not in html
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all("nonce=" in attrs or "src=" in attrs for attrs in scripts)


def test_pages_have_a_sign_out_form(analyst_client: Client, responses: Survey) -> None:
    """Every analyst page signs out with a POST to the staff logout address."""
    for url in ("/analysis/", f"/analysis/{SLUG}/"):
        html = analyst_client.get(url).content.decode()
        assert '<form method="post" action="/staff/logout/"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("date_from_0=31&date_from_1=2&date_from_2=2025", "Completed from must be a real date"),
        ("date_from_0=1&date_from_1=&date_from_2=2025", "Completed from must include a month"),
        ("date_to_0=x&date_to_1=2&date_to_2=2025", "Completed to must be a real date"),
        (
            "date_to_0=1&date_to_1=2&date_to_2=99999999999999999999",
            "Completed to must be a real date",
        ),
        (
            "date_from_0=2&date_from_1=2&date_from_2=2025&date_to_0=1&date_to_1=2&date_to_2=2025",
            "Completed to must be the same as or after Completed from",
        ),
        ("mode=carrier_pigeon", "Select modes from the list"),
        ("classes=7", "Select 5-class or 3-class NS-SEC"),
    ],
)
def test_bad_filter_input_gets_a_clear_error_message(
    analyst_client: Client, responses: Survey, query: str, message: str
) -> None:
    """Bad filters re-show the form with a GOV.UK error summary, never a 500."""
    page = analyst_client.get(f"/analysis/{SLUG}/?{query}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert "<title>Error:" in html
    assert 'id="table-' not in html


@pytest.mark.parametrize(
    "url",
    [
        f"/analysis/{SLUG}/download/output-tables-nssec5.xlsx?mode=bogus",
        f"/analysis/{SLUG}/download/school_type.csv?date_from_0=99&date_from_1=1&date_from_2=2025",
    ],
)
def test_downloads_with_bad_filters_go_back_to_the_page(
    analyst_client: Client, responses: Survey, url: str
) -> None:
    """A download with bad filters redirects to the survey's page, which explains."""
    response = analyst_client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(f"/analysis/{SLUG}/?")


@pytest.mark.parametrize(
    "url",
    [
        "/analysis/no-such-survey/",
        f"/analysis/{SLUG}/download/output-tables-nssec4.xlsx",
        f"/analysis/{SLUG}/download/secret.csv",
        f"/analysis/{SLUG}/download/microdata.json",
    ],
)
def test_unknown_surveys_tables_and_formats_are_not_found(
    unrounded_client: Client, responses: Survey, url: str
) -> None:
    """Unknown names give 404, not an error."""
    assert unrounded_client.get(url).status_code == 404


def test_pages_refuse_other_methods(analyst_client: Client, responses: Survey) -> None:
    """The analyst pages are read-only: POST is not allowed."""
    assert analyst_client.post(f"/analysis/{SLUG}/").status_code == 405


# Downloads.


@pytest.mark.parametrize(
    ("classes", "keys"),
    [
        ("5", ["school_type", "free_school_meals", "nssec5", "parental_qualification"]),
        ("3", ["school_type", "free_school_meals", "nssec3", "parental_qualification"]),
        (
            "both",
            ["school_type", "free_school_meals", "nssec5", "nssec3", "parental_qualification"],
        ),
    ],
)
def test_workbook_download_holds_the_chosen_tables(
    analyst_client: Client, responses: Survey, classes: str, keys: list[str]
) -> None:
    """The XLSX download is the workbook of output-tables.md for the selection."""
    response = analyst_client.get(f"/analysis/{SLUG}/download/output-tables-nssec{classes}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="test-survey_output-tables-nssec{classes}_all-modes_{today}.xlsx"'
    )
    workbook = open_workbook(response.content)
    check_structure(workbook, keys, unrounded=False)
    assert table_counts(workbook, "school_type")["Non-selective state"] == published_pair(
        responses, {}, school_type="state"
    )


def test_workbook_download_follows_the_selection(analyst_client: Client, responses: Survey) -> None:
    """Mode filters apply to the workbook as to the page."""
    response = analyst_client.get(
        f"/analysis/{SLUG}/download/output-tables-nssec5.xlsx?mode=telephone"
    )
    workbook = open_workbook(response.content)
    total = published_figure(responses, mode="telephone")
    assert table_counts(workbook, "school_type")["Total"] == (total, 100 if total else "[x]")
    cover = " ".join(str(cell.value) for cell in workbook["Cover"]["A"])
    assert "telephone; completed on any date" in cover


def test_unrounded_workbook_download_says_so(unrounded_client: Client, responses: Survey) -> None:
    """An unrounded workbook is named so, and says so on its cover and every table title."""
    response = unrounded_client.get(
        f"/analysis/{SLUG}/download/output-tables-nssecboth.xlsx?figures=unrounded"
    )
    assert "unrounded.xlsx" in response["Content-Disposition"]
    workbook = open_workbook(response.content)
    check_structure(
        workbook,
        ["school_type", "free_school_meals", "nssec5", "nssec3", "parental_qualification"],
        unrounded=True,
    )
    assert table_counts(workbook, "school_type")["Non-selective state"] == (23, 67.6)


def test_table_csv_download(analyst_client: Client, responses: Survey) -> None:
    """Each table downloads as CSV: header, rows in order, Total last, rounded."""
    response = analyst_client.get(f"/analysis/{SLUG}/download/free_school_meals.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="test-survey_free_school_meals_all-modes_{today}.csv"'
    )
    rows = csv_rows(response.content)
    assert rows[0] == list(TABLE_HEADER)
    asked = {"free_school_meals__gt": ""}
    codes = {
        "Eligible": ["yes"],
        "Not eligible": ["no"],
        "Not applicable": ["not_applicable"],
        "Don’t know or prefer not to say": ["dont_know", "prefer_not_to_say"],
    }
    total = published_figure(responses, **asked)
    expected = []
    for label, row_codes in codes.items():
        count, percentage = published_text(responses, asked, free_school_meals__in=row_codes)
        limits = interval(int(count), total)
        expected.append([label, count, percentage, f"{limits.lower:.1f}", f"{limits.upper:.1f}"])
    expected.append(["Total", str(total), "100.0", "[z]", "[z]"])
    # Intervals are of the published figures (0 of a published 30 is 0.0 to 11.4).
    assert rows[1:] == expected


def test_page_query_count_is_fixed_whatever_the_number_of_responses(
    analyst_client: Client,
    survey: Survey,
    bulk_responses: BulkResponses,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    """The tables page costs the same queries for 3 responses as for 300."""
    bulk_responses(survey, STATE_EMPLOYEE_CLERICAL, 3)
    analyst_client.get(f"/analysis/{SLUG}/")  # warms the option index
    with CaptureQueriesContext(connection) as few:
        analyst_client.get(f"/analysis/{SLUG}/")
    bulk_responses(survey, INDEPENDENT_LARGE_EMPLOYER, 150, mode=Mode.TELEPHONE)
    bulk_responses(survey, SELECTIVE_NOT_WORKING, 147)
    with django_assert_max_num_queries(len(few)):  # type: ignore[operator]
        page = analyst_client.get(f"/analysis/{SLUG}/?classes=3")
    assert cells(page.content, "school_type")["Total"] == (str(published_figure(survey)), "100.0")
    assert len(few) <= 14


def test_survey_page_links_to_the_import_page(analyst_client: Client, responses: Survey) -> None:
    page = analyst_client.get(f"/analysis/{SLUG}/").content.decode()
    assert f'href="/analysis/{SLUG}/import/"' in page
