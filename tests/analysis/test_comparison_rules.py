"""The pure rules of comparisons and charts (seb.comparisons, seb.charts): no database."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from classification.charts import chart_svg
from seb.charts import comparison_chart, table_chart, value_label
from seb.comparisons import (
    COMPARABILITY,
    Comparison,
    Dimension,
    Reference,
    Side,
    check_reference_percentages,
    difference,
    publish_comparison,
)
from seb.disclosure import CONFIDENTIAL, NOT_APPLICABLE, NOT_AVAILABLE
from seb.outputs import PublishedTable, published_rows
from seb.standard import Mode
from seb.tables import Selection, build_table, table_definitions

SPECS = table_definitions()
SCHOOL = SPECS["school_type"]
STANDARD_TEXT = (
    Path(__file__).resolve().parents[2] / "docs" / "reference" / "seb-harmonised-standard.txt"
)


def comparison(
    counts: list[dict[str | None, int]],
    *,
    dimension: Dimension = Dimension.MODE,
    modes: list[tuple[Mode, ...]] | None = None,
    spec_key: str = "school_type",
    reference: Reference | None = None,
    controlled: bool = True,
) -> Comparison:
    spec = SPECS[spec_key]
    modes = modes or [(mode,) for mode in list(Mode)[: len(counts)]]
    sides = tuple(
        Side(f"Column {n}", f"column {n}", build_table(spec, column), side_modes)
        for n, (column, side_modes) in enumerate(zip(counts, modes, strict=True), start=1)
    )
    return Comparison(
        spec=spec,
        dimension=dimension,
        survey_name="Test survey",
        selection=Selection(),
        sides=sides,
        produced_at=datetime(2026, 1, 5, 10, 0),
        standard_title="Socio-economic background (2023-07-07)",
        standard_version="2023-07-07",
        controlled=controlled,
        reference=reference,
    )


def test_a_difference_is_computed_from_the_published_percentages() -> None:
    assert difference(12.5, 20.0) == 7.5
    assert difference(33.3, 33.4) == 0.1  # exact in tenths, no float residue
    assert difference(20.0, 12.5) == -7.5
    assert difference(CONFIDENTIAL, 20.0) == CONFIDENTIAL
    assert difference(20.0, CONFIDENTIAL) == CONFIDENTIAL
    assert difference(NOT_AVAILABLE, 20.0) == NOT_AVAILABLE
    assert difference(CONFIDENTIAL, NOT_AVAILABLE) == CONFIDENTIAL


columns = st.lists(
    st.fixed_dictionaries({code: st.integers(min_value=0, max_value=400) for code in SCHOOL.codes}),
    min_size=2,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(columns)
def test_each_column_is_controlled_on_its_own_and_differences_follow_the_columns(
    counts: list[dict[str, int]],
) -> None:
    """Whatever the counts: each published column is exactly the table published on its
    own (10-5 rule, percentages of rounded figures, intervals from them), and each
    difference is the column's published percentage minus the base's, [c] or [x]
    where either is."""
    modes = [(list(Mode)[n % 3],) for n in range(len(counts))]
    made = comparison(list(counts), modes=modes)  # type: ignore[arg-type]
    published = publish_comparison(made)
    for side, column in zip(made.sides, published.columns, strict=True):
        assert column.rows == published_rows(side.table, controlled=True)
        for row in column.rows:
            assert isinstance(row.count, int)
            assert row.count == 0 or row.count >= 10
    base = published.columns[0]
    for column, differences in zip(published.columns[1:], published.differences, strict=True):
        for first, other, value in zip(
            base.categories, column.categories, differences.values, strict=True
        ):
            if CONFIDENTIAL in (first.percentage, other.percentage):
                assert value == CONFIDENTIAL
            elif NOT_AVAILABLE in (first.percentage, other.percentage):
                assert value == NOT_AVAILABLE
            else:
                assert isinstance(value, float)
                assert abs(value - (other.percentage - first.percentage)) < 1e-9  # type: ignore[operator]


def test_unrounded_comparisons_show_exact_counts_and_say_so() -> None:
    made = comparison([{"state": 7, "outside_uk": 3}, {"state": 12}], controlled=False)
    published = publish_comparison(made)
    assert published.columns[0].rows[0].count == 7
    assert "unrounded" in published.title
    assert any("NOT been applied" in note.text for note in published.notes)


def test_a_comparison_of_modes_says_that_it_mixes_modes() -> None:
    published = publish_comparison(comparison([{"state": 40}, {"state": 30}]))
    assert published.mixes_modes
    assert any("between modes" in note.text for note in published.notes)


def test_columns_of_one_and_the_same_mode_do_not_mix_modes() -> None:
    same = comparison(
        [{"state": 40}, {"state": 30}],
        dimension=Dimension.PERIOD,
        modes=[(Mode.ONLINE,), (Mode.ONLINE,)],
    )
    assert not publish_comparison(same).mixes_modes
    mixed = comparison(
        [{"state": 40}, {"state": 30}],
        dimension=Dimension.PERIOD,
        modes=[(Mode.ONLINE,), (Mode.ONLINE, Mode.TELEPHONE)],
    )
    published = publish_comparison(mixed)
    assert published.mixes_modes
    note = next(note.text for note in published.notes if "mixes modes" in note.text)
    assert "Column 2: Online, Telephone" in note


def test_a_comparison_of_surveys_quotes_the_standards_comparability_section() -> None:
    """The quote in the notes is the standard's own text, word for word."""
    assert COMPARABILITY in " ".join(STANDARD_TEXT.read_text(encoding="utf-8").split())
    published = publish_comparison(
        comparison([{"state": 40}, {"state": 30}], dimension=Dimension.SURVEY)
    )
    assert any(COMPARABILITY in note.text for note in published.notes)


REFERENCE = Reference(
    name="A published distribution",
    population="adults in a test country",
    source="Table 1 of a test release",
    publisher="A statistics office",
    published=date(2025, 3, 1),
    url="https://example.org/table-1",
    licence="Open Government Licence v3.0",
    percentages=(70.0, 10.0, 8.0, 1.0, 6.0, None),
)


def test_a_reference_column_has_percentages_only_and_is_the_base() -> None:
    made = comparison(
        [{"state": 60, "state_selective": 20, "independent": 20}],
        dimension=Dimension.REFERENCE,
        reference=REFERENCE,
    )
    published = publish_comparison(made)
    reference = published.columns[0]
    assert reference.is_reference and reference.label == REFERENCE.name
    assert [row.count for row in reference.rows] == [NOT_APPLICABLE] * 7
    assert [row.percentage for row in reference.categories] == [
        70.0,
        10.0,
        8.0,
        1.0,
        6.0,
        NOT_AVAILABLE,
    ]
    assert reference.total.percentage == 95.0  # the sum of what the source gives
    # The survey's published percentages minus the reference's.
    survey = published.columns[1]
    assert (
        published.differences[0].values[:3]
        == tuple(
            round(row.percentage - given, 1)  # type: ignore[operator]
            for row, given in zip(survey.categories[:3], (70.0, 10.0, 8.0), strict=True)
        )
    )
    assert published.differences[0].values[5] == NOT_AVAILABLE


def test_reference_percentages_must_add_up_to_100() -> None:
    assert check_reference_percentages([50.0, 50.0, None]) is None
    assert check_reference_percentages([33.3, 33.3, 33.3]) is None  # rounding
    assert "add up to 90.0" in (check_reference_percentages([45.0, 45.0]) or "")
    assert "at least two" in (check_reference_percentages([100.0, None]) or "")
    assert "between 0 and 100" in (check_reference_percentages([150.0, -50.0]) or "")


def test_direct_labels_say_suppressed_never_zero() -> None:
    assert value_label(12.5) == "12.5%"
    assert value_label(0.0) == "0.0%"
    assert value_label(CONFIDENTIAL) == "[c] suppressed"
    assert value_label(NOT_AVAILABLE) == "[x] not available"


def bars(svg: str) -> int:
    """The bars Vega drew: the paths of its rect marks."""
    groups = re.findall(r'<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)</g>', svg, re.S)
    return sum(len(re.findall(r"<path ", group)) for group in groups)


def test_a_chart_draws_the_published_figures_and_labels_a_zero() -> None:
    """Every category is a bar of its published figure (none is [c] under the cell key
    method; a small count is published as 0 or 10 up); a zero gets its own label."""
    table = build_table(
        SCHOOL, {"state": 315, "state_selective": 30, "independent": 25, "outside_uk": 3}
    )
    published = published_rows(table, controlled=True)
    shown = PublishedTable(
        key="school_type",
        title="School type: Test survey",
        sheet="School_type",
        rows=published,
        notes=(),
        base="all",
        not_asked=None,
        controlled=True,
    )
    svg = chart_svg(table_chart(shown, selection="all modes"))
    suppressed = [row for row in shown.categories if row.percentage == CONFIDENTIAL]
    numeric = [row for row in shown.categories if isinstance(row.percentage, float)]
    assert suppressed == [] and ">[c] suppressed<" not in svg
    assert [row.count for row in shown.categories][3] in (0, *range(10, 15))  # outside the UK: 3
    assert bars(svg) == len(numeric)
    assert ">0.0%<" in svg  # a true zero is labelled as zero
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg


def test_a_comparison_chart_has_a_bar_per_published_figure_and_a_statement_title() -> None:
    made = comparison(
        [{"state": 180, "dont_know": 8, "outside_uk": 12}, {"state": 70, "independent": 30}]
    )
    published = publish_comparison(made)
    chart = comparison_chart(published)
    svg = chart_svg(chart)
    numeric = [
        row
        for column in published.columns
        for row in column.categories
        if isinstance(row.percentage, float)
    ]
    assert bars(svg) == len(numeric)
    assert chart.title.startswith("The largest difference is in")
    assert "Column 1" in svg and "Column 2" in svg  # each bar labelled with its column


@settings(max_examples=25, deadline=None)
@given(
    st.fixed_dictionaries({code: st.integers(min_value=0, max_value=60) for code in SCHOOL.codes})
)
def test_a_chart_shows_the_published_figures_and_nothing_else(counts: dict[str, int]) -> None:
    """Every percentage a table's chart draws is one the published table shows; a
    suppressed figure is labelled as suppressed; no other number appears."""
    rows = published_rows(build_table(SCHOOL, dict(counts)), controlled=True)
    shown = PublishedTable(
        key="school_type",
        title="School type: Test survey",
        sheet="School_type",
        rows=rows,
        notes=(),
        base="all",
        not_asked=None,
        controlled=True,
    )
    svg = chart_svg(table_chart(shown, selection="all modes"))
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    drawn = sorted(text for text in texts if text.endswith("%"))
    published = sorted(
        f"{row.percentage:.1f}%" for row in shown.categories if isinstance(row.percentage, float)
    )
    assert drawn == published
    symbols = [row.percentage for row in shown.categories if not isinstance(row.percentage, float)]
    assert sum(text.startswith("[") for text in texts) == len(symbols)
