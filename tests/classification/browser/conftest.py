"""Headless Chromium against the live server, for the analyst pages.

Pages are watched for what a person would not see but a broken page shows:
script errors (a Content Security Policy refusal among them) and assets that
failed to load. axe-core checks WCAG 2.x A and AA and its best practices.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
# The Design System places the back link before <main>; axe's "region" best
# practice flags it, a known issue the Design System keeps. Only that node passes.
KNOWN_ISSUES = {("region", ".govuk-back-link")}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: apt-get install chromium")
    # Playwright's sync API runs an event loop in this thread; the ORM must run
    # beside it while these tests run, and only then (no other test or subprocess
    # inherits the setting).
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """Opens a page in a new context; the test fails on any script error or failed asset."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def open_page(**options: Any) -> Page:
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"console: {message.text}")
                if message.type == "error"
                and not message.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on(
            "response",
            lambda response: (
                problems.append(f"{response.status} for {response.url}")
                if response.request.resource_type != "document" and response.status >= 400
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def page_320(new_page: Callable[..., Page]) -> Page:
    """A phone-sized window: GOV.UK pages must work at 320 CSS pixels wide."""
    return new_page(viewport={"width": 320, "height": 640})


def assert_no_axe_violations(page: Page) -> None:
    """axe-core finds no WCAG 2.x A/AA or best-practice violation on the page as it is."""
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    problems = [
        f"{violation['id']}: {', '.join(map(str, node['target']))}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
        if not any((violation["id"], str(target)) in KNOWN_ISSUES for target in node["target"])
    ]
    assert not problems, f"axe violations on {page.url}:\n" + "\n".join(problems)
