"""Rendering the charts of `seb.charts` as SVG and PNG, with vl-convert.

vl-convert renders Vega-Lite with the Vega team's own renderer, without a
browser. Its SVG styles every mark with presentation attributes (`fill`,
`stroke`, `font-size`): no `style` attribute and no `<style>` element, so the
SVG can be put straight into a page under the site's Content Security Policy
(`style-src 'self'`), which refuses inline styles. (An SVG that did carry
inline styles would lose them when inlined, and would have to be an `<img>`.)
The same SVG is the download; the PNG is drawn from the same specification.

Each SVG is given a text alternative: `role="img"`, a `<title>` (the chart's
title) and a `<desc>` (every bar in words), with ids unique to the chart.
"""

from __future__ import annotations

import re
from html import escape
from typing import Final

from seb.charts import Chart

SVG_TYPE: Final = "image/svg+xml"
PNG_TYPE: Final = "image/png"
PNG_SCALE: Final = 2
_ROOT: Final = re.compile(r"<svg\b([^>]*)>")
# Vega's own ARIA markup on marks and groups: the chart is one image with one text
# alternative, so none of its parts has a role or a label of its own.
_ARIA: Final = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')


def chart_id(chart: Chart) -> str:
    return "chart-" + re.sub(r"[^a-z0-9-]", "-", chart.key.lower())


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG document with its text alternative."""
    import vl_convert  # imported here: only the charts need it

    svg = _ARIA.sub("", vl_convert.vegalite_to_svg(chart.spec))
    identifier = chart_id(chart)
    match = _ROOT.search(svg)
    if match is None:
        raise ValueError("vl-convert gave no <svg> element")
    root = (
        f'<svg{match.group(1)} role="img" aria-labelledby="{identifier}-title" '
        f'aria-describedby="{identifier}-desc" focusable="false">'
        f'<title id="{identifier}-title">{escape(chart.title)}</title>'
        f'<desc id="{identifier}-desc">{escape(chart.description)}</desc>'
    )
    return svg[: match.start()] + root + svg[match.end() :]


def chart_png(chart: Chart) -> bytes:
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(chart.spec, scale=PNG_SCALE))
