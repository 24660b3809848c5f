"""The analysis pages beyond the four tables, in headless Chromium: comparisons, charts,
reference distributions, the codebook, the import page, the API's docs and tokens.
Each passes axe, fits a 320 px screen, and works without JavaScript where it has a form;
the fixtures fail any test whose pages log a script or Content Security Policy error."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from classification.models import ReferenceDistribution
from seb.tables import table_definitions
from surveys.access import ANALYST
from surveys.models import Case, Survey
from tests.analysis.conftest import plausible_responses
from tests.browser.conftest import assert_no_axe_violations
from tests.classification.conftest import unrounded_permission
from tests.conftest import granted_every_survey

pytestmark = pytest.mark.browser

PASSWORD = "a-long-analyst-password-for-more-tests"


@pytest.fixture
def signed_in(transactional_db: None) -> Callable[[Page], None]:
    user = User.objects.create_user(username="more-analyst", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    user.user_permissions.add(unrounded_permission())
    granted_every_survey(user)

    def sign_in(page: Page) -> None:
        page.goto("/staff/login/")
        page.get_by_label("Username").fill("more-analyst")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Surveys", level=1)).to_be_visible()

    return sign_in


@pytest.fixture
def demo(survey: Survey) -> Survey:
    """Plausible responses (as the demo's), some given for cases with a sample variable,
    and a reference distribution."""
    cases = [
        Case.objects.create(
            survey=survey, reference=f"b{n}", variables={"region": f"Region {n % 2}"}
        )
        for n in range(120)
    ]
    plausible_responses(survey, 120, seed=41, case_ids=[case.pk for case in cases])
    plausible_responses(survey, 180, seed=42)
    spec = table_definitions()["nssec3"]
    ReferenceDistribution.objects.create(
        name="Browser reference",
        population="a test population",
        source="Table 4",
        publisher="A statistics office",
        published_on="2025-05-01",
        table_key=spec.key,
        url="https://example.org/t4",
        licence="Open Government Licence v3.0",
        percentages=dict(
            zip([row.key for row in spec.rows], [40.0, 15.0, 30.0, 10.0, 5.0], strict=True)
        ),
    )
    return survey


def fits(page: Page, width: int = 320) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def test_a_mode_comparison_with_its_chart_passes_axe_and_fits_a_phone(
    page: Page, page_320: Page, signed_in: Callable[[Page], None], demo: Survey
) -> None:
    signed_in(page)
    page.goto(f"/analysis/{demo.slug}/")
    page.get_by_role("link", name="Compare a table").click()
    expect(page.get_by_role("heading", name="Compare a table", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="By mode").click()
    page.get_by_label("School type").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#comparison-table")).to_be_visible()
    chart = page.locator("#comparison-chart svg[role=img]")
    expect(chart).to_be_visible()
    # Under the cell key method nothing is [c]: every count is a published figure.
    labels = chart.locator("text").all_text_contents()
    columns = 3  # count, percentage, interval for each of the three modes
    percentages = [
        cell
        for row in page.locator("#comparison-table tbody tr").all()
        for position, cell in enumerate(row.locator("td").all_inner_texts())
        if position < 3 * columns and position % 3 == 1
    ]
    assert percentages and "[c]" not in percentages
    assert "[c] suppressed" not in labels
    expect(page.get_by_text("This comparison mixes modes")).to_be_visible()
    assert_no_axe_violations(page)
    signed_in(page_320)
    page_320.goto(page.url)
    expect(page_320.locator("#comparison-table")).to_be_attached()
    fits(page_320)
    box = page_320.locator("#comparison-chart svg").bounding_box()
    assert box is not None and box["width"] <= 320


def test_period_comparison_errors_are_linked_and_announced(
    page: Page, signed_in: Callable[[Page], None], demo: Survey
) -> None:
    signed_in(page)
    page.goto(f"/analysis/{demo.slug}/compare/period/")
    page.locator("#id_first_from_0").fill("1")
    page.get_by_role("button", name="Compare").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("First period from must include a month")
    page.get_by_role("link", name="First period from must include a month").click()
    assert_no_axe_violations(page)


def test_variable_and_reference_comparisons_pass_axe(
    page: Page, signed_in: Callable[[Page], None], demo: Survey
) -> None:
    signed_in(page)
    page.goto(f"/analysis/{demo.slug}/compare/variable/")
    page.get_by_label("region").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("columnheader", name="Region 0", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    page.goto(f"/analysis/{demo.slug}/compare/reference/")
    page.get_by_label("Browser reference (NS-SEC 3 class)").check()
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("A statistics office (2025). Table 4")).to_be_visible()
    assert_no_axe_violations(page)


def test_comparisons_work_without_javascript(
    page_no_js: Page, signed_in: Callable[[Page], None], demo: Survey
) -> None:
    signed_in(page_no_js)
    page_no_js.goto(f"/analysis/{demo.slug}/compare/mode/")
    page_no_js.get_by_label("Parental qualification").check()
    page_no_js.get_by_role("button", name="Compare").click()
    expect(page_no_js.locator("#comparison-caption")).to_contain_text("differences")
    expect(page_no_js.locator("#comparison-chart svg")).to_be_visible()
    assert_no_axe_violations(page_no_js)


def test_reference_distribution_pages_pass_axe_and_fit_a_phone(
    page_320: Page, signed_in: Callable[[Page], None], transactional_db: None
) -> None:
    signed_in(page_320)
    page_320.goto("/analysis/standard/references/")
    assert_no_axe_violations(page_320)
    page_320.get_by_role("link", name="Add a reference distribution").click()
    expect(page_320.get_by_text("Which table is the distribution of?")).to_be_visible()
    assert_no_axe_violations(page_320)
    page_320.get_by_label("School type").check()
    page_320.get_by_role("button", name="Continue").click()
    fits(page_320)
    page_320.get_by_role("button", name="Add the reference distribution").click()
    expect(page_320.get_by_role("alert")).to_contain_text("Enter a name")
    assert_no_axe_violations(page_320)
    fits(page_320)
    page_320.get_by_label("Name", exact=True).fill("Phone reference")
    page_320.get_by_label("Population").fill("a test population")
    page_320.get_by_label("Source publication").fill("Table 5")
    page_320.get_by_label("Publisher").fill("A statistics office")
    page_320.locator("#id_published_on_0").fill("1")
    page_320.locator("#id_published_on_1").fill("6")
    page_320.locator("#id_published_on_2").fill("2025")
    page_320.get_by_label("Web address of the source").fill("https://example.org/t5")
    page_320.get_by_label("Licence").fill("Open Government Licence v3.0")
    for label, value in (
        ("Non-selective state", "80"),
        ("Selective state", "10"),
        ("Independent or fee-paying", "10"),
    ):
        page_320.get_by_label(label, exact=True).fill(value)
    page_320.get_by_label("These figures are published").check()
    page_320.get_by_role("button", name="Add the reference distribution").click()
    expect(page_320.get_by_text("“Phone reference” has been added.")).to_be_visible()
    assert_no_axe_violations(page_320)
    fits(page_320)
    page_320.get_by_role("link", name="Change Phone reference").click()
    expect(page_320.get_by_label("Non-selective state", exact=True)).to_have_value("80.0")
    assert_no_axe_violations(page_320)
    fits(page_320)
    page_320.get_by_role("link", name="Reference distributions").click()
    page_320.get_by_role("link", name="Delete Phone reference").click()
    assert_no_axe_violations(page_320)
    page_320.get_by_role("button", name="Delete the reference distribution").click()
    expect(page_320.get_by_text("“Phone reference” has been deleted.")).to_be_visible()


def test_codebook_and_api_pages_pass_axe_and_fit_a_phone(
    page_320: Page, signed_in: Callable[[Page], None], transactional_db: None
) -> None:
    signed_in(page_320)
    for url in ("/analysis/standard/codebook/", "/api/"):
        page_320.goto(url)
        assert_no_axe_violations(page_320)
        fits(page_320)
    page_320.goto("/api/tokens/")
    assert_no_axe_violations(page_320)
    page_320.get_by_label("What is the token for?").fill("browser test")
    page_320.get_by_role("button", name="Make a token").click()
    token = page_320.locator("#new-token")
    expect(token).to_contain_text("seb_")
    assert_no_axe_violations(page_320)
    fits(page_320)
    page_320.get_by_role("button", name="Revoke the token for browser test").click()
    expect(page_320.get_by_text("has been revoked")).to_be_visible()
    assert_no_axe_violations(page_320)


def test_the_import_page_lists_problems_once_passes_axe_and_fits_a_phone(
    page_320: Page, signed_in: Callable[[Page], None], survey: Survey, tmp_path: object
) -> None:
    from pathlib import Path

    signed_in(page_320)
    page_320.goto(f"/analysis/{survey.slug}/import/")
    assert_no_axe_violations(page_320)
    fits(page_320)
    bad = Path(str(tmp_path)) / "bad.csv"
    bad.write_text(
        "mode,school_type,free_school_meals,earner_employment_status,employer_size,"
        "self_employed_size,supervisor,earner_occupation,parental_qualification\n"
        "postal,state,yes,not_working,,,,,degree\n"
        "online,grammar,yes,not_working,,,,,degree\n",
        encoding="utf-8",
    )
    page_320.get_by_label("Upload a file").set_input_files(str(bad))
    page_320.get_by_role("button", name="Import responses").click()
    expect(page_320.get_by_role("alert")).to_contain_text("Nothing was imported")
    page_320.get_by_role("link", name="Nothing was imported: 2 lines have problems").click()
    expect(page_320.locator("#problems")).to_be_focused()
    assert page_320.get_by_text("“postal” is not a mode").count() == 1
    assert_no_axe_violations(page_320)
    fits(page_320)


def test_the_tables_page_charts_show_the_published_figures(
    page: Page, signed_in: Callable[[Page], None], demo: Survey
) -> None:
    signed_in(page)
    page.goto(f"/analysis/{demo.slug}/?mode=telephone")
    charts = page.locator("figure.app-chart svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() == 4
    texts = " ".join(page.locator("figure.app-chart svg text").all_text_contents())
    table_cells = " ".join(page.locator("table td").all_inner_texts())
    assert "[c]" not in table_cells and "[c] suppressed" not in texts
    assert_no_axe_violations(page)
