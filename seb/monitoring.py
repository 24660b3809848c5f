"""The monitoring page's chart: complete responses per day, by mode, as Vega-Lite.

Drawn from the figures as shown: with disclosure control a day's count from 1
to 9 is suppressed, and a suppressed figure is drawn as a gap, never as zero.
The palette is the Government Analysis Function's accessible categorical one;
bars are stacked by mode, with a legend (three modes at most) and a title that
says what the chart shows. The page also gives the same figures as a table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Final

VEGA_LITE_SCHEMA: Final = "https://vega.github.io/schema/vega-lite/v6.json"
PALETTE: Final = ("#12436D", "#28A197", "#801650")
TEXT_COLOUR: Final = "#0b0c0c"
FONT: Final = "Arial, Helvetica, sans-serif"


def day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def completes_chart_spec(
    *,
    days: Sequence[date],
    series: Mapping[str, Sequence[int | str]],
    title: str,
    subtitle: Sequence[str] = (),
) -> dict[str, Any]:
    """Stacked bars of complete responses per day, one colour per mode (`series`
    maps a mode's label to its figure per day; a figure that is text, such as
    "[c]", is left out of the bars)."""
    values = [
        {"day": day_label(day), "mode": mode, "completes": figure}
        for mode, figures in series.items()
        for day, figure in zip(days, figures, strict=True)
        if isinstance(figure, int) and figure > 0
    ]
    modes = list(series)
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "title": {
            "text": title,
            "subtitle": list(subtitle),
            "anchor": "start",
            "fontSize": 16,
            "subtitleFontSize": 13,
            "color": TEXT_COLOUR,
            "subtitleColor": "#505a5f",
            "offset": 12,
        },
        "width": 600,
        "height": 240,
        "config": {
            "aria": False,
            "font": FONT,
            "background": "#ffffff",
            "view": {"stroke": None},
            "axis": {
                "labelColor": TEXT_COLOUR,
                "titleColor": TEXT_COLOUR,
                "labelFontSize": 12,
                "titleFontSize": 13,
                "gridColor": "#e5e5e5",
                "domainColor": "#505a5f",
                "tickColor": "#505a5f",
            },
            "legend": {
                "labelColor": TEXT_COLOUR,
                "titleColor": TEXT_COLOUR,
                "labelFontSize": 13,
                "orient": "top",
                "direction": "horizontal",
                "title": None,
            },
        },
        "data": {"values": values},
        "mark": {"type": "bar", "aria": False},
        "encoding": {
            "x": {
                "field": "day",
                "type": "ordinal",
                "title": "Day",
                "scale": {"domain": [day_label(day) for day in days]},
                "axis": {"labelAngle": -45, "labelOverlap": True},
            },
            "y": {
                "field": "completes",
                "type": "quantitative",
                "aggregate": "sum",
                "title": "Complete responses",
                "axis": {"tickMinStep": 1},
            },
            "color": {
                "field": "mode",
                "type": "nominal",
                "scale": {"domain": modes, "range": list(PALETTE[: len(modes)])},
            },
            "order": {"field": "mode"},
        },
    }


def describe_completes(days: Sequence[date], series: Mapping[str, Sequence[int | str]]) -> str:
    """The chart in words, for its text alternative."""
    totals = []
    for mode, figures in series.items():
        counted = sum(figure for figure in figures if isinstance(figure, int))
        totals.append(f"{mode}: {counted:,} over the days shown")
    if not days:
        return "Bar chart of complete responses per day: there are none yet."
    span = f"from {days[0]:%-d %B %Y} to {days[-1]:%-d %B %Y}"
    return f"Bar chart of complete responses per day by mode, {span}. " + "; ".join(totals) + "."
