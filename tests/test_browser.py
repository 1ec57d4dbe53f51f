"""The UI in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright; no browser download).

Skipped where Chromium is missing, except under CI, where .ci/run installs it and a skip would hide a gap.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from .conftest import FIXTURES

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(os.environ.get("QA_SCREENSHOTS", "/tmp/councilqa-screenshots"))

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must have Debian's chromium at /usr/bin/chromium (.ci/run installs it)")
    pytest.skip("no /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)


@pytest.fixture
def page(served):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 1000})
        dialogs = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        pg.dialogs = dialogs
        pg.base_url = served[0]
        pg.goto(served[0])
        pg.wait_for_selector("#question textarea", timeout=60_000)  # a Gradio page never reaches networkidle
        yield pg
        browser.close()


_AFTER = "(q) => { const t = document.querySelector('#chat').innerText; const i = t.lastIndexOf(q); return i < 0 ? null : t.slice(i + q.length); }"


def _ask(pg, question: str, expect: str) -> tuple[float, float]:
    """Type a question, click Ask; seconds to the first streamed sentence and to the full answer with sources."""
    pg.fill("#question textarea", question)
    started = time.perf_counter()
    pg.click("#ask")
    pg.wait_for_function(
        f"(q) => {{ const a = ({_AFTER})(q); return a !== null && a.trim().length > 0 && !a.includes('Searching the papers'); }}",
        arg=question,
        timeout=120_000,
    )
    first = time.perf_counter() - started
    pg.wait_for_function(
        f"([q, e]) => {{ const a = ({_AFTER})(q); return a !== null && a.includes(e) && (a.includes('Sources') || a.includes(\"don't answer\")); }}",
        arg=[question, expect],
        timeout=120_000,
    )
    full = time.perf_counter() - started
    pg.wait_for_selector("#sources label", timeout=120_000)
    return first, full


def test_question_answer_source_and_page_preview(page):
    _ask(page, "What saving was SEND transport on track to deliver?", "£900,000")
    chat = page.inner_text("#chat")
    assert "£900,000" in chat and "Page 2 (PDF page 6)" in chat
    source = page.locator("#sources label").first
    assert "Page 2 (PDF page 6)" in source.inner_text()
    # the first cited page shows without a click
    page.wait_for_selector("#page-preview img", timeout=60_000)
    page.wait_for_function("document.querySelector('#page-note').innerText.includes('Open the PDF at page 6')")
    page.screenshot(path=str(SCREENSHOTS / "answer.png"), full_page=True)
    source.click()
    page.wait_for_function("document.querySelector('#page-note').innerText.includes('Open the PDF at page 6')")
    link = page.locator("#page-note a").first
    assert link.get_attribute("href").endswith("#page=6")
    page.screenshot(path=str(SCREENSHOTS / "page-preview.png"), full_page=True)
    pdf = page.request.get(page.base_url.rstrip("/") + link.get_attribute("href").split("#")[0])
    assert pdf.ok and pdf.body()[:4] == b"%PDF"


def test_a_four_turn_conversation_keeps_its_topic_then_starts_a_new_one(page):
    """A topic, "and in January?", "who presented it?", then a new topic: each answer right, cited, its page shown,
    and the line under the question box saying how each follow-up was understood."""
    turns = [
        ("What was agreed on SEND transport?", "noted", "Page 8 (PDF page 12)", ""),
        ("and in January?", "January 2026", "Page 65 (PDF page 69)", "Understood as: SEND transport · Leicester City Council"),
        ("who presented it?", "Strategic Director of Social Care and Education", "Page 8 (PDF page 12)", "Understood as: SEND transport"),
        ("What saving did adventure playgrounds deliver this year?", "£400,000", "Page 2 (PDF page 6)", ""),
    ]
    for n, (question, expect, cited, understood) in enumerate(turns, 1):
        _ask(page, question, expect)
        labels = page.locator("#sources label").all_inner_texts()
        assert any(cited in label for label in labels), (question, labels)
        assert len(labels) == len(set(labels)), labels  # one source per page
        line = page.inner_text("#understood")
        if understood:
            assert line.startswith(understood), (question, line)
        else:
            assert "Understood as" not in line, (question, line)
        pdf_page = cited.split("PDF page ")[1].rstrip(")")
        page.wait_for_function(f"document.querySelector('#page-note').innerText.includes('Open the PDF at page {pdf_page}')", timeout=60_000)
        page.wait_for_selector("#page-preview img", timeout=60_000)
        page.wait_for_selector("#page-preview .pending", state="detached", timeout=60_000)
        page.screenshot(path=str(SCREENSHOTS / f"conversation-{n}.png"), full_page=True)
    assert "January" not in page.inner_text("#understood")


def test_new_topic_drops_the_conversation(page):
    _ask(page, "What was agreed on SEND transport?", "noted")
    assert "SEND transport" in page.inner_text("#understood")  # what the next question would inherit
    page.click("#new-topic")
    page.wait_for_function("document.querySelector('#understood').innerText.trim() === ''")
    _ask(page, "and in January?", "")
    assert "Understood as" not in page.inner_text("#understood")


def test_uploaded_paper_with_script_shows_as_text(page, tmp_path):
    paper = tmp_path / "statement.html"
    shutil.copy(FIXTURES / "papers" / "testshire-transport-2025-10-28-minutes.html", paper)
    page.click("button[role=tab]:has-text('Add papers')")
    page.set_input_files("#upload input[type=file]", str(paper))
    page.click("#add")
    page.wait_for_function("document.querySelector('#add-result').innerText.includes('indexed: statement.html')", timeout=60_000)
    assert "1 new" in page.inner_text("#add-result")
    page.click("button[role=tab]:has-text('Ask')")
    _ask(page, "What statement did a resident submit that was read out?", "alert")
    chat = page.inner_text("#chat")
    assert "<script>alert('x')</script>" in chat  # shown as text
    assert page.dialogs == []  # and never run
    assert page.locator("#chat script").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "script-as-text.png"), full_page=True)


def test_five_questions_stream_their_first_sentence_then_the_answer_with_sources(page):
    """Each answer streams (its first sentence shows no later than the whole answer with its sources) and holds
    what the papers say. The seconds are written to timing.txt for people; speed is judged by benchmarks/, not
    by a timed test."""
    questions = [
        ("What saving did adventure playgrounds deliver this year?", "£400,000"),
        ("How many key performance indicators are outlined in the Youth Justice Plan?", "Ten"),
        ("Who chairs the Children, Young People and Education Scrutiny Commission?", "Batool"),
        ("What was agreed about SEND transport at the September 2025 meeting?", "noted"),
        ("Where was the 28 October 2025 meeting held?", "G.01"),
    ]
    firsts, fulls = [], []
    for q, expect in questions:
        first, full = _ask(page, q, expect)  # fails (times out) unless `expect` and the sources are shown
        assert first <= full, q
        assert page.locator("#sources label").count() >= 1, q
        firsts.append(first)
        fulls.append(full)
    firsts.sort()
    fulls.sort()
    report = f"UI timing over {len(questions)} questions: first text p50 {firsts[2]:.2f}s max {firsts[-1]:.2f}s; full answer p50 {fulls[2]:.2f}s max {fulls[-1]:.2f}s"
    (SCREENSHOTS / "timing.txt").write_text(report + "\n")
    print(report)


def _show(pg, tab: str, topic_box: str, topic: str, button: str, result: str, expect: str) -> str:
    """Open a tab, type a topic, press its button; the result's text once it holds `expect`."""
    pg.click(f"button[role=tab]:has-text('{tab}')")
    pg.fill(f"{topic_box} textarea", topic)
    pg.click(button)
    pg.wait_for_function("([r, e]) => document.querySelector(r).innerText.includes(e)", arg=[result, expect], timeout=120_000)
    return pg.inner_text(result)


def test_decisions_tab_lists_minute_173_with_a_page_link(page):
    table = _show(page, "Decisions & actions", "#r-topic", "SEND transport", "#r-show", "#register", "That the report is noted")
    assert "173. SEND TRANSPORT UPDATE" in table and "2025-09-23" in table
    link = page.locator("#register a").first
    assert link.get_attribute("href").endswith("#page=12")
    page.screenshot(path=str(SCREENSHOTS / "decisions.png"), full_page=True)


def test_the_whole_register_shows_in_a_readable_font_sorts_and_downloads(page):
    page.click("button[role=tab]:has-text('Decisions & actions')")
    page.click("#r-show")
    page.wait_for_selector("#r-csv", state="visible", timeout=120_000)
    font = page.evaluate("getComputedStyle(document.querySelector('#register td')).fontFamily")
    assert "mono" not in font.lower(), font  # the page's font, not a typewriter's
    hrefs = [a.get_attribute("href") for a in page.locator("#register a").all()]
    assert len(hrefs) >= 14 and all(h.startswith("/paper/") for h in hrefs)  # every row a link, web-page minutes too
    box = page.locator("#register").bounding_box()
    assert box["height"] > 900  # rows in view, not three in a scroll box
    header = page.locator("#register thead th").first
    header.hover()
    header.locator("button.cell-menu-button").click(force=True)
    page.get_by_text("Sort descending").first.wait_for(timeout=10_000)  # each column sorts
    page.keyboard.press("Escape")
    with page.expect_download() as download:
        page.click("#r-csv")
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("meeting_date,council,committee,item") and len(lines) - 1 >= 13  # every decision of the sample
    page.screenshot(path=str(SCREENSHOTS / "register.png"), full_page=True)


def test_actions_tab_shows_a_promise_taken_up_by_a_later_agenda(page):
    page.click("button[role=tab]:has-text('Decisions & actions')")
    page.locator("#r-what label", has_text="Actions").click()
    page.fill("#r-topic textarea", "children seeking safety")
    page.click("#r-show")
    page.wait_for_function("document.querySelector('#register').innerText.includes('on a later agenda')", timeout=120_000)
    table = page.inner_text("#register")
    assert "Looked after children seeking safety would be added to the work programme" in table and "2025-09-23" in table
    later = page.locator("#register a", has_text="CHILDREN SEEKING SAFETY").first
    assert later.get_attribute("href").endswith("#page=3")  # the 28 Oct agenda's item 8, in the pack
    page.screenshot(path=str(SCREENSHOTS / "actions.png"), full_page=True)


def test_timeline_tab_lists_send_transport_from_september_to_january_with_page_links(page):
    text = _show(page, "Timeline", "#tl-topic", "SEND transport", "#tl-show", "#tl-result", "Due January 2026")
    order = [text.index(s) for s in ("23 Sep 2025", "28 Oct 2025", "Due January 2026")]
    assert order == sorted(order), text
    assert "the latest decision, in force" in text and "AGREED: That the report is noted." in text
    links = [a.get_attribute("href") for a in page.locator("#tl-result a").all()]
    assert any(h.endswith("#page=12") for h in links) and any(h.endswith("#page=69") for h in links)
    page.screenshot(path=str(SCREENSHOTS / "timeline.png"), full_page=True)
    pdf = page.request.get(page.base_url.rstrip("/") + links[0].split("#")[0])
    assert pdf.ok and pdf.body()[:4] == b"%PDF"


def test_the_register_says_so_when_the_papers_hold_no_items_taken_in_private(page):
    page.click("button[role=tab]:has-text('Decisions & actions')")
    page.locator("#r-what label", has_text="Items taken in private").click()
    page.click("#r-show")
    page.wait_for_function("document.querySelector('#r-note').innerText.includes('No items taken in private')", timeout=120_000)
    assert not page.locator("#r-csv").is_visible()  # nothing to download


def test_items_taken_in_private_show_with_their_reason_never_their_content(page):
    page.click("button[role=tab]:has-text('Add papers')")
    page.set_input_files("#upload input[type=file]", [str(p) for p in sorted((FIXTURES / "exempt").iterdir())])
    page.click("#add")
    page.wait_for_function("document.querySelector('#add-result').innerText.includes('marked not for publication')", timeout=120_000)
    assert "3 new" in page.inner_text("#add-result")
    page.click("button[role=tab]:has-text('Decisions & actions')")
    page.locator("#r-what label", has_text="Items taken in private").click()
    page.click("#r-show")
    page.wait_for_function("document.querySelector('#register').innerText.includes('Chief Executive Appraisal')", timeout=120_000)
    table = page.inner_text("#register")
    assert "taken in private" in table and "paragraph 1: information relating to any individual" in table
    assert "Sale of the Old Library Site, Mill Street" in table and "1,475,000" not in table
    assert page.inner_text("#r-note").strip() == ""
    page.screenshot(path=str(SCREENSHOTS / "exempt-register.png"), full_page=True)
    page.click("button[role=tab]:has-text('Ask')")
    question = "How much did the preferred bidder offer for the Old Library Site?"
    page.fill("#question textarea", question)
    page.click("#ask")  # the papers don't say (the bid is on the page not for publication): the notice says why
    page.wait_for_function(f"(q) => {{ const a = ({_AFTER})(q); return a !== null && a.includes('taken in private'); }}", arg=question, timeout=120_000)
    chat = page.inner_text("#chat")
    assert "Sale of the Old Library Site" in chat and "paragraph 3" in chat and "1,475,000" not in chat
    page.screenshot(path=str(SCREENSHOTS / "exempt-answer.png"), full_page=True)


def test_add_papers_fetches_a_configured_councils_site_and_answers_from_it(tmp_path, monkeypatch):
    """The Add papers tab syncs a modern.gov site listed in the settings (a local stand-in), then answers from it,
    with the source linked to the council's page."""
    from playwright.sync_api import sync_playwright

    from qa.assistant import Assistant
    from qa.config import SiteSettings, load_settings

    from .conftest import serve_ui
    from .moderngov_site import sample_site

    site = sample_site().start()
    monkeypatch.setenv("QA_SYNC__DELAY_S", "0")
    settings = load_settings(data_dir=tmp_path / "index")
    settings.sync.sites = [SiteSettings(url=site.base, committees=["Cabinet"], date_from="2025-01-01", council="Testshire County Council")]
    assistant = Assistant(settings, create=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        with serve_ui(assistant) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pg = browser.new_page(viewport={"width": 1400, "height": 1000})
            pg.goto(url)
            pg.wait_for_selector("#question textarea", timeout=60_000)
            pg.click("button[role=tab]:has-text('Add papers')")
            pg.click("#sync")
            pg.wait_for_function("document.querySelector('#sync-result').innerText.includes('Indexed')", timeout=120_000)
            result = pg.inner_text("#sync-result")
            assert "Synced 2 meetings: 2 documents downloaded" in result and "Indexed 5 new" in result
            assert "listed, not fetched (restricted): Cabinet 2025-02-12 item 9. Land at Station Road" in result
            pg.screenshot(path=str(SCREENSHOTS / "sync.png"), full_page=True)
            pg.click("button[role=tab]:has-text('Ask')")
            question = "What was resolved about the home to school transport policy?"
            pg.fill("#question textarea", question)
            pg.click("#ask")
            pg.wait_for_function(f"(q) => {{ const a = ({_AFTER})(q); return a !== null && a.includes('Sources'); }}", arg=question, timeout=120_000)
            link = pg.locator("#chat a", has_text="on the council's site").first
            assert link.get_attribute("href") == f"{site.base}/ieListDocuments.aspx?CId=101&MId=501"
            pg.wait_for_function("document.querySelector('#page-note').innerText.includes(\"on the council's site\")", timeout=60_000)
            pg.screenshot(path=str(SCREENSHOTS / "sync-answer.png"), full_page=True)
            browser.close()
    finally:
        site.stop()
