"""Rendering Vega-Lite charts as SVG with vl-convert, for pages under the CSP.

vl-convert (the library the analysis area's charts use) renders with the Vega
team's own renderer, without a browser; its SVG styles marks with presentation
attributes only, so it can be inlined in a page whose Content Security Policy
refuses inline styles. Each SVG is given a text alternative: role="img", a
<title> and a <desc>, with ids unique on the page.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Final

import vl_convert

_ROOT: Final = re.compile(r"<svg\b([^>]*)>")


def chart_svg(spec: dict[str, Any], *, key: str, title: str, description: str) -> str:
    svg = vl_convert.vegalite_to_svg(spec)
    match = _ROOT.search(svg)
    if match is None:
        raise ValueError("vl-convert gave no <svg> element")
    identifier = "chart-" + re.sub(r"[^a-z0-9-]", "-", key.lower())
    attributes = re.sub(r'\s(width|height)="[^"]*"', "", match.group(1))
    root = (
        f'<svg{attributes} role="img" aria-labelledby="{identifier}-title" '
        f'aria-describedby="{identifier}-desc" focusable="false">'
        f'<title id="{identifier}-title">{escape(title)}</title>'
        f'<desc id="{identifier}-desc">{escape(description)}</desc>'
    )
    return svg[: match.start()] + root + svg[match.end() :]
