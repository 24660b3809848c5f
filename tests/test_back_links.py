"""Every back link sits in a landmark of its own (axe's "region" rule): a page added
later with a bare back link fails here, whether or not a browser test visits it."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BACK_LINK = re.compile(r"<a\b[^>]*\bgovuk-back-link\b[^>]*>.*?</a>", re.DOTALL)
IN_NAV = re.compile(
    r'<nav\b[^>]*aria-label="Back"[^>]*>\s*<a\b[^>]*\bgovuk-back-link\b[^>]*>.*?</a>\s*</nav>',
    re.DOTALL,
)


def test_every_back_link_is_inside_a_back_navigation_landmark() -> None:
    bare = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        wrapped = sum(1 for _ in IN_NAV.finditer(text))
        if sum(1 for _ in BACK_LINK.finditer(text)) > wrapped:
            bare.append(str(template.relative_to(TEMPLATES)))
    assert bare == []
