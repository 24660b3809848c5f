"""The Nu HTML checker (vnu) and HTML_CodeSniffer (WCAG 2.1 AA), beside axe.

Both come from npm (`make test` installs them with `npm ci`); the checker runs on
Java (`make test` installs Debian's when it is missing). A missing tool fails the
test that needs it, with the command that installs it: it is never skipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTMLCS_JS = ROOT / "node_modules" / "html_codesniffer" / "build" / "HTMLCS.js"
INSTALL = "run `make validators` (npm ci, and Debian's default-jre-headless)"

# HTMLCS.process runs the sniffs and calls back; only its errors (type 1) fail a page.
HTMLCS_RUN = """() => new Promise((resolve) => {
  window.HTMLCS.process("WCAG2AA", document, () => {
    resolve(window.HTMLCS.getMessages().filter((m) => m.type === 1).map((m) => ({
      code: m.code,
      message: m.msg,
      html: m.element && m.element.outerHTML ? m.element.outerHTML.slice(0, 200) : "(document)",
    })));
  }, () => resolve([{code: "failed", message: "HTML_CodeSniffer did not run", html: ""}]), "en");
})"""


def htmlcs_errors(page: Page) -> list[dict[str, Any]]:
    """HTML_CodeSniffer's WCAG 2.1 AA errors on the page as it is now."""
    if not HTMLCS_JS.is_file():
        pytest.fail(f"HTML_CodeSniffer is not at {HTMLCS_JS}: {INSTALL}")
    # Evaluated through the DevTools protocol, so the page's CSP does not refuse it.
    page.evaluate(HTMLCS_JS.read_text(encoding="utf-8") + "\n;undefined")
    errors: list[dict[str, Any]] = page.evaluate(HTMLCS_RUN)
    return errors


def assert_no_htmlcs_errors(page: Page) -> None:
    errors = htmlcs_errors(page)
    report = "\n".join(f"{e['code']}: {e['message']}\n    {e['html']}" for e in errors)
    assert not errors, f"HTML_CodeSniffer errors on {page.url}:\n{report}"


def nu_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """The Nu HTML checker's errors for each document (a name and its HTML), in one run
    of the checker for them all (Java starts once)."""
    if not VNU_JAR.is_file():
        pytest.fail(f"The Nu HTML checker is not at {VNU_JAR}: {INSTALL}")
    java = shutil.which("java")
    if java is None:
        pytest.fail(f"The Nu HTML checker needs Java: {INSTALL}")
    with tempfile.TemporaryDirectory(prefix="seb-vnu-") as folder:
        names = {}
        for number, (name, html) in enumerate(documents.items()):
            path = Path(folder) / f"page-{number}.html"
            path.write_text(html, encoding="utf-8")
            names[path.name] = name
        run = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always",
             *(str(Path(folder) / file) for file in names)],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        assert run.returncode == 0, f"the Nu HTML checker failed: {run.stderr[-2000:]}"
        messages = json.loads(run.stdout)["messages"]
    errors: dict[str, list[str]] = {name: [] for name in documents}
    for message in messages:
        if message["type"] == "error" or message.get("subType") == "fatal":
            name = names[Path(message["url"].removeprefix("file:")).name]
            extract = message.get("extract", "").replace("\n", " ")
            errors[name].append(f"line {message.get('lastLine')}: {message['message']} [{extract}]")
    return errors


def assert_valid_html(documents: dict[str, str]) -> None:
    """No page has an error by the Nu HTML checker."""
    assert documents, "no page was given to the Nu HTML checker"
    found = {name: errors for name, errors in nu_errors(documents).items() if errors}
    report = "\n".join(f"{name}:\n    " + "\n    ".join(errs) for name, errs in found.items())
    assert not found, f"the Nu HTML checker's errors:\n{report}"
