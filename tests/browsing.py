"""What every browser test shares: Debian's chromium driven by Playwright, a fresh page per
test, and a recorder of what the page requested, logged and asked.

tests/conftest.py imports the fixtures ``browser`` and ``page`` (so every test module has
them) and marks every test that uses one ``browser`` and ``server`` (`make test-fast` leaves
them out); browser test modules mark themselves with ``needs_chromium``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's own browser download does not work offline; Debian's chromium, quietly
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")


class Recorder:
    """Every request, console error and dialog of a page."""

    def __init__(self, page) -> None:
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

        def dialog(d) -> None:
            self.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)

    def foreign(self, base_url: str) -> list[str]:
        """Requests that left our own server: the viewer must work offline."""
        ours = (base_url + "/", "data:", "blob:")
        return [url for url in self.requests if not url.startswith(ours)]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.recorder = Recorder(page)
    yield page
    context.close()
