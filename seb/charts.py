"""Charts of the published tables and comparisons, as Vega-Lite specifications.

The design follows the Government Analysis Function's guidance on charts: a
horizontal bar chart (category labels are long), the Analysis Function's
accessible colour palette, no legend (each bar is labelled directly with its
percentage, each panel of a comparison with its column's name), no gridlines or
value axis (the direct labels give the values), and a title that says what the
chart shows, with the table and selection beneath it. The data table sits
beside every chart on the page and in every download.

Charts draw the PUBLISHED figures only. A suppressed figure is drawn as
suppressed, never as zero: no bar, and in its place the symbol and the word
"suppressed" (a labelled gap); a true zero is a labelled "0.0%". `[x]` (a total
of zero) is drawn the same way, labelled "not available".

This module only describes charts (plain data, no rendering): the Django
layer renders these specifications to SVG and PNG with vl-convert.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from .comparisons import PublishedComparison
from .disclosure import CONFIDENTIAL, DECIMAL_PLACES, NOT_AVAILABLE, Percentage
from .outputs import PublishedRow, PublishedTable

VEGA_LITE_SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v6.json"
# The Analysis Function's categorical palette, in its order (dark blue, turquoise,
# dark pink, orange, dark grey, light purple): distinguishable with colour blindness.
PALETTE: Final = ("#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1")
TEXT_COLOUR: Final = "#0b0c0c"
SECONDARY_TEXT: Final = "#505a5f"
FONT: Final = "Arial, Helvetica, sans-serif"
# Sizes in pixels of the chart as drawn; a page shows it at this size, or smaller on a phone.
WIDTH: Final = 400
BAR_HEIGHT: Final = 24
COLUMN_LABEL_WIDTH: Final = 150
COLUMN_LABEL_CHARACTERS: Final = 17  # per line of a column's name beside its bar
COLUMN_LABEL_LINES: Final = 3
LINE_HEIGHT: Final = 17
FONT_SIZE: Final = 15
TITLE_SIZE: Final = 18
SUBTITLE_SIZE: Final = 14
# Characters per line: of a category label, the title and the lines beneath it.
LABEL_WIDTH: Final = 48
TITLE_WIDTH: Final = 40
SUBTITLE_WIDTH: Final = 56
SYMBOL_WORDS: Final = {CONFIDENTIAL: "suppressed", NOT_AVAILABLE: "not available"}
LINE_BREAK: Final = "|"  # never in a category label


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart: its key (unique on a page), title, description and Vega-Lite spec."""

    key: str
    title: str
    description: str
    spec: dict[str, Any]


def value_label(percentage: Percentage) -> str:
    """A bar's direct label: `23.4%`, or the symbol and what it means."""
    if isinstance(percentage, float):
        return f"{percentage:.{DECIMAL_PLACES}f}%"
    return f"{percentage} {SYMBOL_WORDS.get(percentage, '')}".strip()


def wrapped(text: str, width: int = LABEL_WIDTH, lines: int = 4) -> str:
    """`text` in lines of `width` characters at most, cut short (…) past `lines` lines."""
    return LINE_BREAK.join(textwrap.wrap(text, width, max_lines=lines, placeholder=" …")) or text


def _point(column: str, row: PublishedRow, order: int) -> dict[str, Any]:
    value = row.percentage if isinstance(row.percentage, float) else None
    return {
        "column": wrapped(column, COLUMN_LABEL_CHARACTERS, COLUMN_LABEL_LINES) if column else "",
        "category": wrapped(row.label),
        "order": order,
        "value": value,
        "label": value_label(row.percentage),
        "label_at": value if value is not None else 0,
        "suppressed": value is None,
    }


def _scale_top(points: Sequence[dict[str, Any]]) -> float:
    """Room for the bars and their labels: the largest value, and a margin for its label."""
    largest = max((point["value"] for point in points if point["value"] is not None), default=0)
    return max(10.0, float(largest) * 1.35)


def _layers(colour: dict[str, Any], top: float) -> list[dict[str, Any]]:
    """A bar, and its direct label just past its end (at 0 for a suppressed figure)."""
    scale = {"domain": [0, top]}
    return [
        {
            "mark": {"type": "bar", "height": BAR_HEIGHT - 4},
            "encoding": {
                "x": {"field": "value", "type": "quantitative", "scale": scale, "axis": None},
                "color": colour,
            },
        },
        {
            "mark": {
                "type": "text",
                "align": "left",
                "baseline": "middle",
                "dx": 4,
                "fontSize": FONT_SIZE,
            },
            "encoding": {
                "x": {"field": "label_at", "type": "quantitative", "scale": scale, "axis": None},
                "text": {"field": "label"},
                "color": {
                    "condition": {"test": "datum.suppressed", "value": SECONDARY_TEXT},
                    "value": TEXT_COLOUR,
                },
                "fontStyle": {
                    "condition": {"test": "datum.suppressed", "value": "italic"},
                    "value": "normal",
                },
            },
        },
    ]


def _config() -> dict[str, Any]:
    return {
        # The page labels the whole chart (role="img"); Vega's own ARIA markup is left out.
        "aria": False,
        "font": FONT,
        "background": "#ffffff",
        "view": {"stroke": None},
        "axis": {
            "labelColor": TEXT_COLOUR,
            "labelFontSize": FONT_SIZE,
            "domain": False,
            "ticks": False,
            "grid": False,
            "labelPadding": 6,
        },
        "header": {"labelFontSize": FONT_SIZE, "labelColor": TEXT_COLOUR},
        "title": {"anchor": "start", "color": TEXT_COLOUR, "subtitleColor": SECONDARY_TEXT},
    }


def _title(statement: str, subtitle: Sequence[str]) -> dict[str, Any]:
    lines: list[str] = []
    for line in subtitle:
        lines.extend(textwrap.wrap(line, SUBTITLE_WIDTH))
    return {
        "text": textwrap.wrap(statement, TITLE_WIDTH),
        "subtitle": lines,
        "fontSize": TITLE_SIZE,
        "subtitleFontSize": SUBTITLE_SIZE,
        "subtitlePadding": 6,
        "offset": 16,
    }


def _rows(categories: Sequence[str]) -> dict[str, Any]:
    """A row per category, its label above its bars: the chart stays narrow enough for a
    phone, and a long label never squeezes the bars."""
    return {
        "row": {
            "field": "category",
            "type": "nominal",
            "sort": [wrapped(category) for category in categories],
            "title": None,
            "header": {
                "labelAngle": 0,
                "labelOrient": "top",
                "labelAnchor": "start",
                "labelAlign": "left",
                "labelPadding": -12,
                "labelBaseline": "bottom",
                "labelLimit": 0,
                "labelFontWeight": "bold",
                "labelExpr": f"split(datum.label, '{LINE_BREAK}')",
            },
        }
    }


def _numeric(rows: Sequence[PublishedRow]) -> list[PublishedRow]:
    return [row for row in rows if isinstance(row.percentage, float)]


def table_statement(table: PublishedTable) -> str:
    """A title that says what the chart shows: its largest published category."""
    if table.total.percentage == NOT_AVAILABLE:
        return "The total is published as 0, so there are no percentages to show"
    shown = _numeric(table.categories)
    if not shown:
        return "Every figure is suppressed to protect confidentiality"
    largest = max(shown, key=lambda row: row.bar_width)
    return f"“{largest.label}” is the largest group, at {largest.percentage_text}% of responses"


def _footnotes(rows: Sequence[PublishedRow]) -> list[str]:
    notes = []
    if any(row.percentage == CONFIDENTIAL for row in rows):
        notes.append(f"{CONFIDENTIAL} suppressed: shown as a gap, not as zero.")
    if any(row.percentage == NOT_AVAILABLE for row in rows):
        notes.append(f"{NOT_AVAILABLE} not available: there are no responses to count.")
    return notes


def table_chart(table: PublishedTable, *, selection: str) -> Chart:
    """A bar per category of one published table, each labelled with its percentage."""
    points = [_point("", row, order) for order, row in enumerate(table.categories)]
    statement = table_statement(table)
    subtitle = [
        table.title,
        f"Percentage of complete responses; {selection}.",
        *_footnotes(table.categories),
    ]
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "title": _title(statement, subtitle),
        "config": _config(),
        "data": {"values": points},
        "facet": _rows([row.label for row in table.categories]),
        "spacing": 18,
        "spec": {
            "width": WIDTH,
            "height": BAR_HEIGHT,
            "layer": _layers({"value": PALETTE[0]}, _scale_top(points)),
        },
    }
    return Chart(
        key=table.key,
        title=statement,
        description=describe(subtitle[0], [("", table.categories)]),
        spec=spec,
    )


def comparison_statement(comparison: PublishedComparison) -> str:
    """A title that says what the chart shows: the largest published difference."""
    best: tuple[float, str, str] | None = None
    for difference in comparison.differences:
        for label, value in zip(comparison.categories, difference.values, strict=True):
            if isinstance(value, float) and (best is None or abs(value) > abs(best[0])):
                best = (value, label, difference.label)
    if best is None:
        return "The differences between the columns are suppressed to protect confidentiality"
    value, label, which = best
    column, base = which.split(" minus ", 1)
    if value == 0:
        return f"The published percentages of {column} and {base} are the same"
    direction = "higher" if value > 0 else "lower"
    return (
        f"The largest difference is in “{label}”: {abs(value):.{DECIMAL_PLACES}f} percentage "
        f"points {direction} for {column} than for {base}"
    )


def comparison_chart(comparison: PublishedComparison) -> Chart:
    """For each category, a bar per column (the base first), each labelled directly with
    its column's name on the left and its percentage at its end: no legend to decode."""
    points = [
        _point(column.label, row, order)
        for column in comparison.columns
        for order, row in enumerate(column.categories)
    ]
    statement = comparison_statement(comparison)
    all_rows = [row for column in comparison.columns for row in column.categories]
    subtitle = [
        comparison.title,
        f"Percentage of complete responses in each column; {comparison.selection}.",
        *_footnotes(all_rows),
    ]
    columns = [
        wrapped(column.label, COLUMN_LABEL_CHARACTERS, COLUMN_LABEL_LINES)
        for column in comparison.columns
    ]
    # A column's name may take two lines or more: each bar is given room for its label.
    lines = max(column.count(LINE_BREAK) + 1 for column in columns)
    step = max(BAR_HEIGHT, LINE_HEIGHT * lines + 6)
    colour = {
        "field": "column",
        "type": "nominal",
        "scale": {"domain": columns, "range": list(PALETTE[: len(columns)])},
        "legend": None,
    }
    spec: dict[str, Any] = {
        "$schema": VEGA_LITE_SCHEMA,
        "title": _title(statement, subtitle),
        "config": _config(),
        "data": {"values": points},
        "facet": _rows(comparison.categories),
        "spacing": 32,
        "spec": {
            "width": WIDTH - COLUMN_LABEL_WIDTH,
            "height": {"step": step},
            "encoding": {
                "y": {
                    "field": "column",
                    "type": "nominal",
                    "sort": columns,
                    "title": None,
                    "axis": {
                        "labelLimit": COLUMN_LABEL_WIDTH,
                        "labelExpr": f"split(datum.label, '{LINE_BREAK}')",
                        "labelLineHeight": LINE_HEIGHT,
                    },
                }
            },
            "layer": _layers(colour, _scale_top(points)),
        },
    }
    return Chart(
        key=comparison.key,
        title=statement,
        description=describe(
            subtitle[0], [(column.label, column.categories) for column in comparison.columns]
        ),
        spec=spec,
    )


def describe(title: str, panels: Sequence[tuple[str, Sequence[PublishedRow]]]) -> str:
    """The chart in words, for its text alternative: every bar's label and value."""
    parts = []
    for name, rows in panels:
        bars = "; ".join(f"{row.label}: {value_label(row.percentage)}" for row in rows)
        parts.append(f"{name}: {bars}" if name else bars)
    return f"Bar chart of {title}. " + ". ".join(parts) + "."
