"""The charts of `seb.charts` as SVG and PNG, drawn by the service's one Vega-Lite
renderer (`surveys/charts.py`, which says why vl-convert's SVG can be inlined under
the site's Content Security Policy). The SVG's text alternative is the chart's title
and every bar in words; the PNG is drawn from the same specification."""

from __future__ import annotations

from typing import Final

from seb.charts import Chart
from surveys import charts as renderer

SVG_TYPE: Final = "image/svg+xml"
PNG_TYPE: Final = "image/png"
PNG_SCALE: Final = 2


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG document with its text alternative."""
    return renderer.vega_svg(
        chart.spec, key=chart.key, title=chart.title, description=chart.description
    )


def chart_png(chart: Chart) -> bytes:
    return renderer.vega_png(chart.spec, scale=PNG_SCALE)
