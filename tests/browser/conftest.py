"""Browser tests: the real app served on loopback (CSRF on), driven by Playwright in Debian's
Chromium. No browser is downloaded; a missing Chromium skips these (fails them in CI)."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import CHROMIUM, TEST_CONFIG
from tracker import ROOT, create_app, demo
from tracker.extensions import db

AXE = ROOT / "static" / "build" / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]


BROWSER_DIR = Path(__file__).parent


# When the browser drops a connection while the test server sends a static file (it stops
# fetching the favicon as a test ends), werkzeug's development server leaves the file for the
# garbage collector: an unraisable ResourceWarning about the server, not about the app.
DROPPED_STATIC_FILE = pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io\.FileIO name='[^']*/static/"
    r":pytest.PytestUnraisableExceptionWarning")


def pytest_collection_modifyitems(items):
    # A conftest's hook sees the whole session's items: mark only the tests in this folder.
    for item in items:
        if BROWSER_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(DROPPED_STATIC_FILE)


@pytest.fixture(scope="module")
def live_server(database_url):
    """The app with the demo data, served on a free loopback port for the module's tests."""
    app = create_app({**TEST_CONFIG, "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        demo.wipe()
        demo.load()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        demo.wipe()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp lets the test inject axe-core; the app's own pages never need it.
    context = browser.new_context(base_url=live_server, bypass_csp=True,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.console_errors = []
    # Form errors come back as 400 and refusals as 403/404/409 on purpose; anything else
    # in the console (a script error, a CSP refusal, a missing asset) is a bug.
    expected = re.compile(r"Failed to load resource: .* status of (400|403|404|409) ")

    def on_console(message):
        if message.type == "error" and not expected.search(message.text):
            page.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def sign_in(page, email: str, password: str = demo.DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()


# Wide enough for a desktop, a phone, and the WCAG 1.4.10 reflow width (400% zoom of 1280).
DESKTOP, PHONE, REFLOW = 1280, 375, 320
# Screenshots cost a second or more each: taken on a failure, or for every check when asked.
TAKE_SCREENSHOTS = bool(os.environ.get("HOMEWARD_SCREENSHOTS"))


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_problems(page) -> list[str]:
    """Serious and critical axe-core violations on the page as it stands."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make setup` to build the front-end assets")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # target-size (WCAG 2.2, 2.5.8) is off in axe by default.
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations'], "
                           "rules: {'target-size': {enabled: true}}})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def page_width(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth")


def open_all_details(page) -> list[int]:
    """Opens every collapsed <details>; returns their positions so they can be closed again."""
    return page.evaluate("""() => {
        const opened = [];
        document.querySelectorAll('details').forEach((d, i) => {
            if (!d.open) { d.open = true; opened.push(i); }
        });
        return opened;
    }""")


def close_details(page, positions: list[int]) -> None:
    page.evaluate("""(positions) => {
        const all = document.querySelectorAll('details');
        positions.forEach(i => { if (all[i]) all[i].open = false; });
    }""", positions)


def accessibility_problems(page, name: str) -> list[str]:
    """Every check one page must pass: axe at desktop and phone widths, then again with every
    <details> opened, and no sideways scrolling at 320 px (WCAG 1.4.10) either way. The page
    is left as it was found (width and <details>), so a flow can carry on."""
    original = page.viewport_size
    problems = []
    try:
        for opened in (False, True):
            positions = open_all_details(page) if opened else []
            if opened and not positions:
                break  # nothing was closed: the page is as already checked
            state = " (details opened)" if opened else ""
            for width in (DESKTOP, PHONE):
                page.set_viewport_size({"width": width, "height": 900})
                problems += [f"at {width}px{state}: {p}" for p in axe_problems(page)]
                if TAKE_SCREENSHOTS and not opened:
                    screenshot(page, f"{name}-{width}")
            page.set_viewport_size({"width": REFLOW, "height": 900})
            if (wide := page_width(page)) > REFLOW:
                problems.append(f"at {REFLOW}px{state}: the page is {wide}px wide (scrolls sideways)")
                screenshot(page, f"{name}-{REFLOW}-too-wide")
            close_details(page, positions)
    finally:
        page.set_viewport_size(original)
    return problems


def assert_accessible(page, name: str) -> None:
    """No serious or critical axe-core violation at 1280 and 375 px, with the page's <details>
    closed and opened, and no sideways scrolling at 320 px."""
    problems = accessibility_problems(page, name)
    if problems:
        screenshot(page, name)
    assert not problems, f"{name}: " + "; ".join(problems)


@pytest.fixture(autouse=True)
def _require_built_assets():
    if os.environ.get("HOMEWARD_SKIP_ASSET_CHECK"):
        return
    assert (ROOT / "static" / "build" / "app.css").exists(), "run `make setup` first"
