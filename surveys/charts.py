"""Rendering Vega-Lite charts as SVG with vl-convert, for pages under the CSP: the one
renderer behind the monitoring page's chart and the analysis area's
(`classification/charts.py`).

vl-convert renders Vega-Lite with the Vega team's own renderer, without a browser.
Its SVG styles every mark with presentation attributes (`fill`, `stroke`,
`font-size`): no `style` attribute and no `<style>` element, so the SVG can be put
straight into a page under the site's Content Security Policy (`style-src 'self'`),
which refuses inline styles. (An SVG that did carry inline styles would lose them
when inlined, and would have to be an `<img>`.)

Each SVG is given a text alternative: `role="img"`, a `<title>` and a `<desc>`, with
ids unique on the page; Vega's own ARIA markup on marks and groups is removed, as the
chart is one image with one text alternative.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Final

_ROOT: Final = re.compile(r"<svg\b([^>]*)>")
_ARIA: Final = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')
_SIZE: Final = re.compile(r'\s(width|height)="[^"]*"')


def chart_id(key: str) -> str:
    return "chart-" + re.sub(r"[^a-z0-9-]", "-", key.lower())


def vega_svg(
    spec: dict[str, Any], *, key: str, title: str, description: str, fluid: bool = False
) -> str:
    """The chart as an SVG document with its text alternative; `fluid` drops its fixed
    width and height, so the page's CSS sizes it."""
    import vl_convert  # imported here: only the charts need it

    svg = _ARIA.sub("", vl_convert.vegalite_to_svg(spec))
    match = _ROOT.search(svg)
    if match is None:
        raise ValueError("vl-convert gave no <svg> element")
    identifier = chart_id(key)
    attributes = _SIZE.sub("", match.group(1)) if fluid else match.group(1)
    root = (
        f'<svg{attributes} role="img" aria-labelledby="{identifier}-title" '
        f'aria-describedby="{identifier}-desc" focusable="false">'
        f'<title id="{identifier}-title">{escape(title)}</title>'
        f'<desc id="{identifier}-desc">{escape(description)}</desc>'
    )
    return svg[: match.start()] + root + svg[match.end() :]


def vega_png(spec: dict[str, Any], *, scale: int = 2) -> bytes:
    import vl_convert

    return bytes(vl_convert.vegalite_to_png(spec, scale=scale))
