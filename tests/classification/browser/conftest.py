"""The browser fixtures of tests/browser (headless Chromium, pages watched for script
errors, CSP refusals and failed assets), for the analyst pages' browser tests."""

from tests.browser.conftest import browser, new_page, page, page_320  # noqa: F401
