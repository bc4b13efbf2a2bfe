"""The review page in headless Chromium (Debian's ``chromium`` package, driven by Playwright).

A spam sample submitted through the form must come back with its evidence
highlighted; attacker-controlled text (``<script>``, ``<img onerror>``) must
show as text and never run.
"""

from __future__ import annotations

import shutil

import httpx
import pytest
from service_util import PLUGIN_DIR, SPAM_SAMPLE, Server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str:
    from conftest import _missing

    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        _missing("chromium (apt-get install chromium)")
    return exe


@pytest.fixture(scope="module")
def server():
    with Server("--plugins-dir", str(PLUGIN_DIR)) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Playwright gives every launch a fresh temporary --user-data-dir.
        b = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    # Count CSP violations: escaping must make the policy irrelevant, so expect none.
    pg.add_init_script("window.__csp = 0; document.addEventListener("
                       "'securitypolicyviolation', () => { window.__csp += 1; });")
    yield pg
    ctx.close()


def _submit(page, base: str, content: str, *, fmt: str = "text", title: str = "") -> None:
    page.goto(base + "/")
    page.fill("#content", content)
    page.check(f"input[name=format][value={fmt}]")
    if title:
        page.fill("#title", title)
    with page.expect_navigation():
        page.click("#submit")
    page.wait_for_selector("#result")


def test_review_page_highlights_the_evidence(server, page, tmp_path):
    _submit(page, server.base, SPAM_SAMPLE)
    assert page.inner_text("#action") == "reject"
    marks = page.eval_on_selector_all(
        "#document mark.ev", "els => els.map(e => [e.dataset.rules.split(' '), e.textContent])")

    def covered(rule):  # the highlighted text of one rule, segments joined in order
        return "".join(t for rules, t in marks if rule in rules)

    assert covered("DEMO_XIAOBIAN") == "小编导语小编总结"
    assert covered("DEMO_MOBILE") == "13912345678"
    # With the real rule files loaded (the rules branch), their template rule is highlighted too.
    loaded = {r["id"] for r in httpx.get(server.base + "/v1/rules").json()["rules"]}
    if "ZH_TEMPLATE_XIAOBIAN_INTRO" in loaded:
        assert covered("ZH_TEMPLATE_XIAOBIAN_INTRO").startswith("小编导语")
    # The highlighted text is the document's own text, in order and complete.
    assert page.inner_text("#document").replace("\n", "") == SPAM_SAMPLE.replace("\n", "")
    rows = page.eval_on_selector_all("#hits tr.hit", "els => els.map(e => e.dataset.rule)")
    assert {"DEMO_XIAOBIAN", "DEMO_MOBILE"} <= set(rows)
    # The highlight is visible: a background colour is applied by the page's stylesheet.
    bg = page.eval_on_selector("#document mark.ev", "e => getComputedStyle(e).backgroundColor")
    assert bg not in ("rgba(0, 0, 0, 0)", "transparent")
    page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
    assert page.evaluate("window.__csp") == 0


XSS = ('小编导语 <script>window.__xss = 1; alert("s")</script>'
       '<img src=x onerror="window.__xss = 2; alert(\'i\')">'
       '"><svg onload=alert(3)>')


@pytest.mark.parametrize("fmt", ["text", "html"])
def test_review_page_never_runs_document_markup(server, page, fmt):
    _submit(page, server.base, XSS, fmt=fmt, title='"><script>alert("t")</script>')
    page.wait_for_timeout(300)  # give any injected handler (an image error) time to fire
    assert page.dialogs == []
    assert page.evaluate("window.__xss") is None
    assert page.query_selector_all("#result script, #result img, #result svg") == []
    assert page.query_selector_all("script, img") == []  # the page itself has none either
    doc = page.inner_text("#document")
    if fmt == "text":
        # Shown as text, characters intact.
        assert '<script>window.__xss = 1; alert("s")</script>' in doc
        assert "<img src=x onerror=" in doc
    else:
        # As HTML, only visible text is checked: the script body is dropped, nothing runs.
        assert "window.__xss" not in doc and doc.startswith("小编导语")
    assert page.input_value("#title") == '"><script>alert("t")</script>'
    assert page.evaluate("window.__csp") == 0
