"""The web UI: handlers called directly, the launched app through gradio_client, ten clients at once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .conftest import FIXTURES


def _final(gen):
    out = None
    for out in gen:
        pass
    return out


def test_ask_handler_streams_then_lists_sources(assistant):
    from qa.ui import Session, ask_stream

    steps = list(ask_stream(assistant, "How much would withdrawing route 7 save?", [], Session(), "Any", "Any", "", "", "Any"))
    assert steps[0][0][-1]["content"] == "Searching the papers…"
    history, sources, session, understood = steps[-1]
    assert "£120,000" in history[-1]["content"] and "**Sources**" in history[-1]["content"]
    assert sources["choices"] and "Page 1 (PDF page 2)" in sources["choices"][0]
    assert sources["value"] == sources["choices"][0]  # the first cited page is chosen, so it shows without a click
    assert session.citations[0]["pdf_page"] == 2
    assert understood.startswith("Next question follows on from: ")  # a question standing alone: nothing inherited


def test_the_chat_is_a_conversation_until_new_topic(assistant):
    from qa.ui import Session, ask_stream, new_topic

    session = Session()
    history, _, session, understood = _final(ask_stream(assistant, "What was agreed about the cycle lanes?", [], session, "Any", "Any", "", "", "Any"))
    assert "Southgate" in history[-1]["content"] and session.context.topic == "cycle lanes"
    history, _, session, understood = _final(ask_stream(assistant, "and how much did it cost?", history, session, "Any", "Any", "", "", "Any"))
    assert understood.startswith("**Understood as:** cycle lanes")
    assert "£2.4m" in history[-1]["content"]
    session, understood = new_topic(session)
    assert session.context is None and understood == ""
    history, _, session, understood = _final(ask_stream(assistant, "and how much did it cost?", history, session, "Any", "Any", "", "", "Any"))
    assert "Understood as" not in understood  # asked alone, it has no topic to inherit


def test_answers_read_as_a_list_without_the_papers_bullets_and_one_source_per_page():
    from datetime import date

    from qa import render
    from qa.types import Answer, Citation

    def cite(n, text, page):
        return Citation(n, f"c{page}", "p", "a.pdf", "Budget report", "Testshire County Council", "Cabinet", date(2025, 9, 23), "5", str(page), page + 4, text, True, page_index=page + 3)

    quotes = ["• The lane cost £2.4m to build.", "Usage had doubled.", "The scheme is extended."]
    a = Answer("q", f"{quotes[0]} [1] {quotes[1]} [1] {quotes[2]} [2]", [cite(1, quotes[0], 1), cite(1, quotes[1], 1), cite(2, quotes[2], 2)], [])
    assert render.answer_markdown(a).splitlines() == ["- The lane cost £2.4m to build. \\[1\\]", "- Usage had doubled. \\[1\\]", "- The scheme is extended. \\[2\\]"]
    assert render.sources_markdown(a).count("\n- ") == 2  # one source per page
    assert "[1] Budget report — Testshire County Council · Cabinet · 23 Sep 2025 · item 5 · Page 1 (PDF page 5)" in render.sources_markdown(a).replace("\\", "")
    text = render.sources_text(a)
    assert text.count("[1] ") == 1 and '"• The lane cost £2.4m to build."' in text  # the quote itself stays verbatim
    assert render.readable("It was noted that: · The lane cost £2.4m.  • Usage doubled") == "It was noted that: The lane cost £2.4m. Usage doubled"
    assert render.readable("2·5 and a-b") == "2·5 and a-b"  # a glyph inside a word or figure is kept


def test_show_source_renders_the_cited_page_with_a_pdf_link(assistant):
    from qa.ui import Session, ask_stream, show_source

    _, _, session, _ = _final(ask_stream(assistant, "How much would withdrawing route 7 save?", [], Session(), "Any", "Any", "", "", "Any"))
    image, note = show_source(assistant, session.citations[0]["label"], session)
    assert image is not None and image.size[0] > 500
    assert f"/paper/{session.citations[0]['paper_id']}#page=2" in note


def test_filters_from_widgets_and_bad_dates(assistant):
    import gradio as gr

    from qa.ui import parse_filters

    f = parse_filters("Testshire County Council", "Any", "2025-09-01", "", "minutes")
    assert f.council == "Testshire County Council" and f.committee is None and f.doc_type.value == "minutes"
    with pytest.raises(gr.Error, match="From must be a date") as bad:
        parse_filters("Any", "Any", "September", "", "Any")
    assert bad.value.print_exception is False  # a message for the user, not a traceback in the server log
    with pytest.raises(gr.Error, match="The 'from' date 2025-10-01 is after the 'to' date 2025-09-01"):
        parse_filters("Any", "Any", "2025-10-01", "2025-09-01", "Any")


def test_paper_html_is_shown_as_text_never_rendered(assistant):
    from qa.ui import Session, ask_stream

    history, _, session, _ = _final(
        ask_stream(assistant, "What statement did a resident submit that was read out?", [], Session(), "Any", "Any", "", "", "Any")
    )
    shown = history[-1]["content"]
    assert "<script>" not in shown and "&lt;script&gt;" in shown


def test_feedback_is_saved_with_question_answer_and_citations(assistant):
    from qa.ui import Session, ask_stream, save_feedback

    history, _, session, _ = _final(ask_stream(assistant, "How much would withdrawing route 7 save?", [], Session(), "Any", "Any", "", "", "Any"))

    class Like:
        index = len(history) - 1
        liked = False

    save_feedback(assistant, session, Like())
    saved = [json.loads(x) for x in (Path(assistant.settings.data_dir) / "feedback.jsonl").read_text().splitlines()]
    assert saved[-1]["liked"] is False and saved[-1]["question"] == "How much would withdrawing route 7 save?"
    assert saved[-1]["citations"][0]["pdf_page"] == 2


def test_adding_papers_reports_new_duplicate_and_bad_files(assistant, tmp_path):
    from qa.ui import add_papers

    new = tmp_path / "extra.md"
    new.write_text("Testshire County Council\nThe ferry timetable changes on 1 March 2026.\n", encoding="utf-8")
    files = [str(new), str(FIXTURES / "papers" / "testshire-transport-2025-10-28-pack.pdf"), str(FIXTURES / "bad" / "scanned.pdf")]
    *_, (summary, *_) = add_papers(assistant, files, progress=lambda *a, **k: None)
    assert "indexed: extra.md" in summary
    assert "already indexed: testshire-transport-2025-10-28-pack.pdf" in summary
    assert "not indexed: scanned.pdf: no text layer" in summary
    assert sorted(p.name for p in (Path(assistant.settings.data_dir) / "uploads").iterdir()) == ["extra.md"]
    answer = assistant.ask("When does the ferry timetable change?")
    assert "1 March 2026" in answer.text  # searchable at once


def test_an_upload_while_another_process_writes_says_whom_it_waits_for(assistant, tmp_path):
    from index.lock import WriteLock
    from qa.ui import add_papers

    new = tmp_path / "later.md"
    new.write_text("Testshire County Council\nThe library opens on Sundays from 1 May 2026.\n", encoding="utf-8")
    lock = WriteLock(assistant.settings.data_dir, "indexing a big folder")
    lock.__enter__()
    steps = add_papers(assistant, [str(new)], progress=lambda *a, **k: None)
    first, *_ = next(steps)
    assert first.startswith("_Waiting: another process is writing the index") and "indexing a big folder" in first
    lock.__exit__(None, None, None)  # the other writer finishes; the upload goes ahead
    final, *_ = next(steps)
    assert "indexed: later.md" in final


def test_menus_offer_what_another_process_indexed_since_start_up(assistant, tmp_path):
    """The UI's council and committee menus (Ask and the register) are read from the index on each page load."""
    from qa.assistant import Assistant
    from qa.ui import current_choices

    before = [u["choices"] for u in current_choices(assistant)[:3]]
    assert "Otherton Borough Council" not in before[0]
    other = tmp_path / "otherton"
    other.mkdir()
    (other / "minutes.md").write_text("Ferry minutes\n\nThe ferry timetable changes on 1 March 2026.\n", encoding="utf-8")
    (other / "manifest.csv").write_text(
        "filename,council,committee,meeting_date,document_type\nminutes.md,Otherton Borough Council,Harbour Board,2026-02-01,minutes\n",
        encoding="utf-8",
    )
    Assistant(assistant.settings).index([other])  # as `qa index` in another process would
    *menus, label_from, label_to = current_choices(assistant)
    councils, committees, register_committees = (u["choices"] for u in menus)
    assert "Otherton Borough Council" in councils and "Harbour Board" in committees and "Harbour Board" in register_committees
    assert label_to["label"].endswith("latest 2026-02-01") and "earliest" in label_from["label"]  # the new paper's meeting


def test_pdf_route_serves_indexed_papers_only(assistant):
    from fastapi.testclient import TestClient

    from qa.ui import build_app

    client = TestClient(build_app(assistant))
    paper = next(p for p in assistant.store.papers() if p.source.endswith(".pdf"))
    got = client.get(f"/paper/{paper.id}")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf" and got.content.startswith(b"%PDF")
    assert client.get("/paper/../../etc/passwd").status_code == 404
    assert client.get("/paper/" + "0" * 64).status_code == 404


def _ask(url: str, question: str, council: str = "Any", date_from: str = "") -> dict:
    from gradio_client import Client

    client = Client(url, verbose=False)
    return client.predict(question, council, "Any", date_from, "", "Any", api_name="/ask")


def test_gradio_client_gets_a_cited_answer_with_filters(served):
    url, _ = served
    answer = _ask(url, "What saving was SEND transport on track to deliver?", "Leicester City Council")
    assert "£900,000" in answer["answer"]
    assert (answer["citations"][0]["pdf_page"], answer["citations"][0]["page"]) == (6, "2")
    later = _ask(url, "What saving was SEND transport on track to deliver?", "Leicester City Council", "2030-01-01")
    assert later["abstained"] and later["citations"] == [] and later["retrieved"] == []  # the date filter applied


def test_ten_clients_at_once_each_get_their_own_answer(served):
    url, _ = served
    questions = {
        "What saving was SEND transport on track to deliver?": "£900,000",
        "What saving did adventure playgrounds deliver this year?": "£400,000",
        "How many key performance indicators are outlined in the Youth Justice Plan?": "Ten",
        "Who chairs the Children, Young People and Education Scrutiny Commission?": "Batool",
        "How many of the children seeking safety were spontaneous arrivals to the city?": "spontaneous",
    }
    asked = list(questions.items()) * 2
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda qa: (qa[0], qa[1], _ask(url, qa[0])), asked))
    assert len(results) == 10
    for question, expected, answer in results:
        assert answer["question"] == question and expected in answer["answer"]


def test_actions_can_be_limited_to_those_due_before_a_date(leicester):
    import gradio as gr

    from qa.ui import register_rows

    rows = register_rows(leicester, "Actions", "SEND transport", None, "", "", "2026-02-01")
    assert rows and all(r[3] == "due 2026-01" or r[3] < "due 2026-02" for r in rows)
    assert any("outstanding 200 children" in r[4] for r in rows)
    assert not any(r[3] == "no date given" for r in rows)
    with pytest.raises(gr.Error, match="Due before must be a date"):
        register_rows(leicester, "Actions", "", None, "", "", "next spring")


def test_every_register_row_links_to_its_paper_and_downloads_as_csv(leicester, tmp_path):
    import csv

    from qa.ui import register_csv, register_records, register_rows

    rows = register_rows(leicester, "Decisions", "", None, "", "", "")
    assert len(rows) >= 10
    assert all(r[-1].startswith("[") and "](/paper/" in r[-1] for r in rows)  # PDF pages and web-page minutes alike
    assert any("(web page)](/paper/" in r[-1] for r in rows)  # the 28 Oct HTML minutes: a link, not a bare path
    records = register_records(leicester, "Decisions", "", None, "", "", "")
    with register_csv(records, tmp_path / "d.csv").open(encoding="utf-8-sig", newline="") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == len(rows)
    sept = next(t for t in table if t["item"].startswith("173"))
    assert sept["text"] == "AGREED: That the report is noted." and (sept["page"], sept["pdf_page"]) == ("8", "12")
    assert sept["council"] == "Leicester City Council" and sept["meeting_date"] == "2025-09-23"
