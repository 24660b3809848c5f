"""Headless Chromium (Debian's, not a Playwright download) against pytest-django's live server.

Every test here is marked `browser` and uses `live_server`, so it runs with a
transactional database: the standard is installed again after each flush (the
surveys app does it on post_migrate).
"""

from __future__ import annotations

import os
import re
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    expect,
    sync_playwright,
)
from playwright.sync_api import Response as PlaywrightResponse

# Interviewers here start interviews on new references, as the interview tests' do.
from tests.interview.conftest import survey  # noqa: F401

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium's own connections out are
# refused and slow every launch down.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
TIMEOUT_MS = 10_000

_axe = Axe()
_scriptless_contexts: weakref.WeakSet[BrowserContext] = weakref.WeakSet()
SCRIPT = re.compile(r"<script\b.*?</script>", re.IGNORECASE | re.DOTALL)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, for one test module.

    Playwright's sync API keeps an event loop running in this thread while it is
    open, and Django's ORM (used by the tests' own fixtures) refuses to run beside
    one unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set only while the browser
    is open, so no other test, and no subprocess, runs with it.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: run `make chromium` "
            "(or: sudo apt-get install chromium fonts-liberation)"
        )
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def watch(context: BrowserContext, problems: list[str]) -> None:
    """Records what a person would not see but a broken page shows: script errors
    (a Content Security Policy refusal among them) and assets that failed to load."""

    def on_console(message: ConsoleMessage) -> None:
        # A 404 or 403 page is itself logged as a failed load; its assets are checked below.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error: {message.text}")

    def on_response(response: PlaywrightResponse) -> None:
        if response.request.resource_type != "document" and response.status >= 400:
            problems.append(f"{response.status} for {response.url}")

    def on_failed(request: Request) -> None:
        # A request the browser itself abandoned because the page moved on (a favicon
        # or a script still loading when the test navigated) is not an asset that failed.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"failed: {request.url}")

    def on_page(page: Page) -> None:
        page.on("console", on_console)
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        page.on("requestfailed", on_failed)
        page.on("response", on_response)

    context.on("page", on_page)


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[..., Page]]:
    """Opens a page in a new browser context (its own cookies) on the live server.

    The test fails if any page logged a script error or an asset failed to load.
    """
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def open_page(**context_options: Any) -> Page:
        context = browser.new_context(base_url=live_server.url, **context_options)
        context.set_default_timeout(TIMEOUT_MS)
        if context_options.get("java_script_enabled") is False:
            _scriptless_contexts.add(context)
        watch(context, problems)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert problems == [], "\n".join(problems)


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    return new_page()


@pytest.fixture
def page_no_js(new_page: Callable[..., Page]) -> Page:
    return new_page(java_script_enabled=False)


@pytest.fixture
def page_320(new_page: Callable[..., Page]) -> Page:
    """A phone-sized window: GOV.UK pages must work at 320 CSS pixels wide."""
    return new_page(viewport={"width": 320, "height": 640})


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if page.context in _scriptless_contexts:
        return axe_violations_of_copy(page)
    results = _axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def axe_violations_of_copy(page: Page) -> list[dict[str, Any]]:
    """axe on a page whose context runs no JavaScript.

    axe waits on timers, which never fire where JavaScript is off; so it checks the
    same document, its scripts removed, served at the same address to a page that
    runs scripts (and so fetches the same stylesheet).
    """
    document = SCRIPT.sub("", page.content())
    address = page.url
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(viewport=page.viewport_size)
    try:
        copy = context.new_page()
        copy.route(
            lambda url: url == address,
            lambda route: route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=document
            ),
        )
        copy.goto(address)
        assert copy.title() == page.title(), "the copy is not the page axe was asked to check"
        return axe_violations(copy)
    finally:
        context.close()


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:200]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Page) -> None:
    """axe-core finds no WCAG 2.x A/AA or best-practice violation on the page as it is now."""
    violations = axe_violations(page)
    report = describe_violations(violations)
    if report:
        print(f"axe violations on {page.url}:\n{report}")
    assert not violations, f"axe violations on {page.url}:\n{report}"


@pytest.fixture(name="assert_no_axe_violations")
def assert_no_axe_violations_fixture() -> Callable[[Page], None]:
    return assert_no_axe_violations


def press_shortcut(page: Page, key: str) -> None:
    """Press an interviewer's keyboard shortcut once the page's script listens for keys
    (it marks <html data-keyboard="ready">): a key pressed earlier would be lost."""
    expect(page.locator("html")).to_have_attribute("data-keyboard", "ready")
    page.keyboard.press(key)
