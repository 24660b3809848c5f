"""The GOV.UK Frontend assets: served by the service itself, with no crown and no GDS Transport."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

ROOT = Path(settings.BASE_DIR)
STATIC = ROOT / "static"
SITE_ROOT = Path(settings.WHITENOISE_ROOT)
CSS = STATIC / "css" / "app.css"
JS = STATIC / "js"
CSS_URL = re.compile(r"url\(\s*(['\"]?)(?P<url>[^'\")]*)\1\s*\)")
CROWN = re.compile(r"crown|crest", re.IGNORECASE)


def css_text() -> str:
    return CSS.read_text(encoding="utf-8")


def package() -> dict:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))


class AssetLinks(HTMLParser):
    """Every stylesheet, script, icon and image a page asks the browser to fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("href"):
            self.urls.append(found["href"] or "")
        if tag in ("script", "img", "source") and found.get("src"):
            self.urls.append(found["src"] or "")


def test_compiled_css_has_no_gds_transport_font():
    assert "GDS Transport" not in css_text()


def test_compiled_css_declares_no_font_face():
    assert "@font-face" not in css_text()


def test_compiled_css_uses_the_system_font_stack():
    assert 'font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif' in css_text()


def test_every_url_in_the_compiled_css_is_a_file_the_site_serves():
    missing = []
    for match in CSS_URL.finditer(css_text()):
        url = match.group("url")
        if url.startswith("data:"):
            continue
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is not on this site"
        assert parts.path.startswith("/assets/"), f"{url} is outside /assets/"
        if not (SITE_ROOT / parts.path.lstrip("/")).is_file():
            missing.append(url)
    assert missing == []


def test_compiled_css_asks_for_no_crown_or_crest_image():
    urls = [match.group("url") for match in CSS_URL.finditer(css_text())]
    assert [url for url in urls if CROWN.search(url)] == []
    # The footer's copyright crest is the one image GOV.UK Frontend would ask for.
    assert ".govuk-footer__copyright-logo::before{" in css_text()


def test_no_crown_or_crest_asset_is_shipped():
    shipped = [path for path in STATIC.rglob("*") if path.is_file()]
    assert shipped, "static/ is empty: run `make assets`"
    assert [path for path in shipped if CROWN.search(path.name)] == []


def test_favicon_is_our_own_svg_with_no_external_references():
    favicon = (STATIC / "images" / "favicon.svg").read_text(encoding="utf-8")
    assert favicon.lstrip().startswith("<svg")
    assert "href" not in favicon
    assert not CROWN.search(favicon)


def test_compiled_css_and_js_are_the_pinned_govuk_frontend_version():
    pinned = package()["devDependencies"]["govuk-frontend"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned)
    assert f'--govuk-frontend-version: "{pinned}"' in css_text()
    bundle = (JS / "govuk-frontend.min.js").read_text(encoding="utf-8")
    assert f'version="{pinned}"' in bundle


def test_npm_packages_are_pinned_to_exact_versions():
    for name, version in package()["devDependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} is not pinned: {version}"


def test_app_js_initialises_govuk_frontend_from_this_site():
    app = (JS / "app.js").read_text(encoding="utf-8")
    imports = re.findall(r"""from\s+['"]([^'"]+)['"]""", app)
    assert imports == ["./govuk-frontend.min.js"]
    assert (JS / "govuk-frontend.min.js").is_file()
    assert "initAll()" in app


@pytest.mark.django_db
def test_pages_fetch_their_css_and_js_from_this_site(survey):
    page = Client().get(f"/s/{survey.slug}/")
    assert page.status_code == 200
    links = AssetLinks()
    links.feed(page.content.decode())
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    assert {url.rsplit("/", 1)[-1] for url in links.urls} >= {"app.css", "app.js", "favicon.svg"}
    for url in links.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} is on another host"
        assert parts.path.startswith(static_prefix), f"{url} is not a static file"
        assert finders.find(parts.path.removeprefix(static_prefix)), f"{url} does not exist"
