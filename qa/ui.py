"""The Gradio UI: a thin shell over Assistant. The only module that imports gradio.

Handlers are plain functions over an Assistant, so tests call them directly; `build_ui` wires them
into Blocks and `build_app` mounts the Blocks on a FastAPI app that also serves indexed PDFs.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import gradio as gr

from index.errors import BadFilter, CouncilQAError
from index.exempt import EXEMPT
from index.types import DocType, item_name

from . import render
from .assistant import Assistant
from .intent import Context
from .pages import blank_pages, render_page
from .types import Answer, Filters

log = logging.getLogger(__name__)

ANY = "Any"


@dataclass
class Session:
    """Per-browser state: the answers shown, by chat message index, the citations of the last one, and the
    conversation (topic, council, committee, meeting) a follow-up question inherits; None after "New topic"."""

    answers: dict[int, dict] = field(default_factory=dict)
    citations: list[dict] = field(default_factory=list)
    context: Context | None = None


def user_error(message: str) -> gr.Error:
    """A message for the user (a bad date, an empty question, a library error), not a fault in the server: shown
    in the UI and logged as one line, without the traceback Gradio prints for other exceptions."""
    log.info("told the user: %s", message)
    return gr.Error(message, print_exception=False)


def as_date(value: str, label: str) -> date | None:
    """A date typed into a field, or None if empty; a bad one is a message for the user naming the field."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise user_error(f"{label} must be a date like 2025-09-23") from None


def parse_filters(council: str | None, committee: str | None, date_from: str, date_to: str, doc_type: str | None) -> Filters:
    """Filter widgets -> Filters; a bad date, or a range that ends before it starts, is a message for the user."""
    try:
        return Filters(
            council=None if council in (None, "", ANY) else council,
            committee=None if committee in (None, "", ANY) else committee,
            date_from=as_date(date_from, "From"),
            date_to=as_date(date_to, "To"),
            doc_type=None if doc_type in (None, "", ANY) else DocType(doc_type),
        )
    except BadFilter as exc:
        raise user_error(f"{str(exc)[:1].upper()}{str(exc)[1:]}") from None


def citation_record(a: Answer) -> list[dict]:
    """Citations as plain dicts (with the paper id the page viewer needs)."""
    out = []
    for c in a.citations:
        d = render.citation_dict(c)
        d["paper_id"] = c.paper_id
        d["label"] = render.source_label(c)
        out.append(d)
    return out


def understood_markdown(answer: Answer | None, session: Session) -> str:
    """The line under the question box: how a follow-up was read, or what the next one will inherit."""
    if answer is not None and answer.understood:
        return f"**Understood as:** {render.escape_md(answer.understood)}"
    if session.context is not None and session.context.topic:
        return f"Next question follows on from: {render.escape_md(session.context.describe())}"
    return ""


def ask_stream(assistant: Assistant, question: str, history: list, session: Session | None, *filters):
    """Answer a question into the chat, streaming sentence by sentence, as the next turn of the session's
    conversation; yields (history, sources, session, understood)."""
    session = session or Session()
    question = (question or "").strip()
    if not question:
        raise user_error("Type a question about the papers first.")
    f = parse_filters(*filters)
    history = list(history or []) + [{"role": "user", "content": render.escape_md(question)}]
    yield history + [{"role": "assistant", "content": "Searching the papers…"}], gr.update(), session, gr.update()
    shown, answer = "", None
    try:
        for event in assistant.ask_stream(question, f, context=session.context):
            if isinstance(event, Answer):
                answer = event
            else:  # a verified sentence, shown as soon as it is ready
                shown = f"{shown} {render.escape_md(render.readable(event))}".strip()
                yield history + [{"role": "assistant", "content": shown}], gr.update(), session, gr.update()
    except CouncilQAError as exc:
        raise user_error(str(exc)) from None  # library messages carry no paper text
    final = render.answer_markdown(answer)
    if answer.notice:
        final = f"_{render.escape_md(answer.notice)}_\n\n{final}"
    final += render.sources_markdown(answer)
    history = history + [{"role": "assistant", "content": final}]
    session.citations = citation_record(answer)
    session.context = answer.context
    session.answers[len(history) - 1] = {**render.answer_dict(answer), "filters": {k: str(v) for k, v in f.__dict__.items() if v}}
    choices = list(dict.fromkeys(c["label"] for c in session.citations))  # one choice per page
    # the first cited page is chosen, so it is shown at once (choosing fires the page viewer)
    sources = gr.update(choices=choices, value=choices[0] if choices else None, visible=bool(choices))
    yield history, sources, session, understood_markdown(answer, session)


def new_topic(session: Session | None):
    """Drop the conversation: the next question stands alone."""
    session = session or Session()
    session.context = None
    return session, ""


WITHHELD_NOTE = "This page is marked not for publication (exempt): it is not shown, and only its marking is indexed."


def show_source(assistant: Assistant, label: str | None, session: Session | None):
    """The cited page as an image with the quote highlighted, plus a link to the PDF at that page."""
    if not label or not session:
        return None, ""
    quoted = [c for c in session.citations if c["label"] == label]  # every sentence quoted from this page
    if not quoted:
        return None, ""
    cite = quoted[0]
    path = assistant.paper_path(cite["paper_id"])
    quote = "\n>\n> ".join(render.escape_md(c["text"]) for c in quoted)
    if path is None:
        return None, f"The file of this paper is no longer in the index folder.\n\n> {quote}"
    online = render.site_link(cite.get("source_url"))
    if path.suffix.lower() != ".pdf" or not cite["pdf_page"]:
        where = f"**{render.escape_md(cite['source'])}**, item {render.escape_md(cite['item'] or '-')}" + (f" · {online}" if online else "")
        return None, f"{where}\n\n> {quote}"
    if cite["pdf_page"] in assistant.withheld_pages(cite["paper_id"]):
        return None, f"{WITHHELD_NOTE}\n\n> {quote}"
    image = render_page(path, cite["pdf_page"], [c["text"] for c in quoted], words=assistant.ocr_words(cite["paper_id"], cite["pdf_page"]))
    link = f"[Open the PDF at page {cite['pdf_page']}](/paper/{cite['paper_id']}#page={cite['pdf_page']})" + (f" · {online}" if online else "")
    if cite.get("ocr"):
        link += " · _text read by OCR from a scan: the highlight marks OCR's reading_"
    return image, f"{link}\n\n> {quote}"


def save_feedback(assistant: Assistant, session: Session | None, data: gr.LikeData) -> None:
    """Thumbs up/down on an answer, saved with its question, answer and citations (JSONL in the data dir)."""
    if not session:
        return
    index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
    record = session.answers.get(index)
    if record is None:
        return
    path = Path(assistant.settings.data_dir) / "feedback.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"time": datetime.now(timezone.utc).isoformat(timespec="seconds"), "liked": bool(data.liked), **record}
    with _feedback_lock, path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


_feedback_lock = threading.Lock()


def add_papers(assistant: Assistant, files: list | None, progress=gr.Progress()):
    """Index uploaded files; yields a Markdown summary and refreshed filter choices (first a line saying whom it
    waits for, when another process is writing the index)."""
    if not files:
        raise user_error("Choose one or more PDF, HTML, Markdown or text files first.")
    paths = [Path(f if isinstance(f, str) else f.name) for f in files]
    unchanged = (gr.update(),) * 5

    def tick(event: str, source: str, done: int, total: int) -> None:
        if event == "embedding":
            progress((done, total), desc=f"embedding {source}: {done:,} of {total:,} chunks")
        elif event == "sentences":
            progress((done, total), desc=f"embedding sentences for answers: {done:,} of {total:,}")
        elif event != "waiting":
            progress((done, total), desc=f"{event} {source}")

    busy = assistant.writer()
    if busy:  # the upload waits for the lock; say so where the result will appear
        waiting = (
            f"_Waiting: another process is writing the index ({render.escape_md(busy)}); these papers are indexed "
            "as soon as it finishes. Questions are answered meanwhile._"
        )
        yield (waiting, *unchanged)
    report = assistant.add_files(paths, progress=tick)
    lines = [render.escape_md(render.report_text(report).split("\n")[0])]
    for source in report.added:
        lines.append(f"- indexed: {render.escape_md(source)}")
    for source, first in report.duplicates:
        lines.append(f"- already indexed: {render.escape_md(source)} (same content as {render.escape_md(first)})")
    for source, pages in report.withheld:
        lines.append(f"- exempt: {render.escape_md(source)}: page {', '.join(pages)} marked not for publication (only the marking indexed)")
    for s in report.skipped:
        lines.append(f"- not indexed: {render.escape_md(s.source)}: {render.escape_md(s.reason)}")
    yield ("\n".join(lines), *current_choices(assistant))


def sync_site(assistant: Assistant, url: str | None, progress):
    """Sync one of the configured modern.gov sites (settings sync.sites) and index what changed; yields a Markdown
    summary and refreshed filter choices."""
    site = next((s for s in assistant.settings.sync.sites if s.url == url), None)
    if site is None:
        raise user_error("Choose a council's site first (sites are listed under [[sync.sites]] in councilqa.toml).")

    def tick(event: str, source: str, done: int, total: int) -> None:
        if event != "waiting":
            progress((done, total), desc=source or "embedding sentences for answers")

    try:
        since = date.fromisoformat(site.date_from) if site.date_from else None
        fetched, report = assistant.sync(site.url, site.committees, since, None, None, site.council, progress=tick)
    except (CouncilQAError, ValueError) as exc:
        raise user_error(str(exc)) from None
    lines = [render.escape_md(render.sync_text(fetched).split("\n")[0]), "", render.escape_md(render.report_text(report).split("\n")[0]), ""]
    lines += [f"- new: {render.escape_md(source)}" for source in report.added]
    lines += [f"- listed, not fetched (restricted): {render.escape_md(where)}" for where in fetched.restricted]
    lines += [f"- not fetched: {render.escape_md(u)}: {render.escape_md(why)}" for u, why in fetched.failed]
    lines += [f"- not indexed: {render.escape_md(x.source)}: {render.escape_md(x.reason)}" for x in report.skipped]
    yield ("\n".join(lines), *current_choices(assistant))


def date_labels(first, last) -> tuple[str, str]:
    """The date filters' labels, naming the index's first and last meeting."""
    return (
        f"Meetings from (YYYY-MM-DD){f', earliest {first}' if first else ''}",
        f"Meetings to (YYYY-MM-DD){f', latest {last}' if last else ''}",
    )


def current_choices(assistant: Assistant) -> tuple:
    """The Ask tab's council and committee menus, the register's committee menu and the date filters' labels, as
    the index holds them now (after an upload, and on every page load, so papers another process indexed count)."""
    choices = assistant.filter_choices()
    committees = [ANY, *choices["committees"]]
    label_from, label_to = date_labels(choices["first"], choices["last"])
    return (
        gr.update(choices=[ANY, *choices["councils"]]),
        gr.update(choices=committees),
        gr.update(choices=committees),
        gr.update(label=label_from),
        gr.update(label=label_to),
    )


# the register's table in the page's own font and size (Gradio's default is a small monospace)
CSS = """
#register table, #register td, #register th, #register .cell-wrap, #register span { font-family: var(--font) !important; font-size: var(--text-md) !important; }
"""

EXEMPT_ITEMS = "Items taken in private"
REGISTER_COLUMNS = ["Meeting", "Committee", "Item", "Kind / due", "Text", "Votes, or who and later papers", "Page"]


def register_records(
    assistant: Assistant, what: str, topic: str, committee: str | None, date_from: str, date_to: str, due_before: str = ""
) -> list:
    """The register's decisions or actions the widgets ask for; actions can be limited to those due before a date
    (an action with no date given is then left out)."""
    from .register import RecordFilters

    f = parse_filters(None, committee, date_from, date_to, None)
    due = as_date(due_before, "Due before") if what == "Actions" else None
    filters = RecordFilters(committee=f.committee, date_from=f.date_from, date_to=f.date_to, due_before=due)
    lister = {"Decisions": assistant.decisions, "Actions": assistant.actions, EXEMPT_ITEMS: assistant.exempt_items}[what]
    try:
        return lister((topic or "").strip() or None, filters, 200)
    except CouncilQAError as exc:
        raise user_error(str(exc)) from None


def _record_cells(r) -> tuple[str, str]:
    """A record's kind (or due month), and its votes or who (plain text), or for an exempt item why it was taken in
    private; later papers are the caller's to show."""
    rec = r.record
    if rec.type == EXEMPT:
        return "taken in private", rec.kind
    if rec.type == "decision":
        extra = ", ".join(f"{k} {v}" for k, v in rec.votes.items()) if rec.votes else ""
        if rec.mover:
            extra = f"moved {rec.mover}, seconded {rec.seconder}" + (f"; {extra}" if extra else "")
        return rec.kind, extra
    return (f"due {rec.due}" if rec.due else "no date given"), rec.who or ""


def register_rows(
    assistant: Assistant, what: str, topic: str, committee: str | None, date_from: str, date_to: str, due_before: str = ""
) -> list[list[str]]:
    """Decisions or actions as table rows; every row links to its paper: a PDF at its cited page, web-page minutes
    (shown as text) by the minute's item."""
    return [register_row(r) for r in register_records(assistant, what, topic, committee, date_from, date_to, due_before)]


def register_row(r) -> list[str]:
    rec = r.record
    kind, extra = _record_cells(r)
    extra = render.escape_md(extra)
    fu = r.follow_up
    if fu is not None:  # a commitment: what later papers show of it, the later item a link too
        later = render.escape_md(fu.status)
        if fu.item is not None:
            it = fu.item
            label = render.escape_md(f"{it.meeting_date.isoformat()} {item_name(it.item, it.title)}")
            later = f"{later}: [{label}](/paper/{it.paper_id}" + (f"#page={it.pdf_page})" if it.pdf_page else ")")
        extra = "; ".join(x for x in (extra, later) if x)
    where = render.page_name(rec.label, rec.pdf_page)
    if rec.pdf_page:
        link = f"[{where}](/paper/{r.paper_id}#page={rec.pdf_page})"
    else:
        link = f"[{render.escape_md(('minute ' + rec.item) if rec.item else 'web page')} (web page)](/paper/{r.paper_id})"
    return [
        rec.meeting_date.isoformat() if rec.meeting_date else "",
        render.escape_md(r.committee),
        render.escape_md(item_name(rec.item, rec.item_title)),
        kind,
        render.escape_md(rec.text),
        extra,
        link,
    ]


CSV_COLUMNS = ["meeting_date", "council", "committee", "item", "kind_or_due", "text", "votes_or_who_and_later_papers", "source", "page", "pdf_page"]


def register_csv(records: list, path: Path) -> Path:
    """The rows shown, as a CSV file (plain text, the quotes verbatim) for a spreadsheet."""
    import csv

    with path.open("w", newline="", encoding="utf-8-sig") as fh:  # the BOM makes Excel read UTF-8
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for r in records:
            rec = r.record
            kind, extra = _record_cells(r)
            later = render.follow_up_line(r) if r.follow_up is not None else ""
            extra = "; ".join(x for x in (extra, later) if x)
            w.writerow([rec.meeting_date.isoformat() if rec.meeting_date else "", r.council, r.committee, item_name(rec.item, rec.item_title),
                        kind, rec.text, extra, r.source, rec.label or "", rec.pdf_page or ""])
    return path


def register_view(assistant: Assistant, what: str, *args):
    """The Decisions & actions tab: the table's rows, a CSV of the same rows to download, and a line saying so when
    there are none (the papers may hold no items taken in private at all)."""
    import tempfile

    records = register_records(assistant, what, *args)
    out = Path(tempfile.mkdtemp(prefix="councilqa-")) / f"{what.lower().replace(' ', '-')}.csv"
    note = "" if records else f"_No {what.lower()} in the indexed papers match these filters._"
    return [register_row(r) for r in records], gr.update(value=str(register_csv(records, out)), visible=bool(records)), note


def timeline_markdown(assistant: Assistant, topic: str, council: str | None, committee: str | None) -> str:
    """The Timeline tab: how a topic moved through meetings, each entry linked to its page."""
    topic = (topic or "").strip()
    if not topic:
        raise user_error("Type a topic first, e.g. SEND transport.")
    f = parse_filters(council, committee, "", "", None)
    try:
        return render.timeline_markdown(assistant.timeline(topic, f.council, f.committee))
    except CouncilQAError as exc:
        raise user_error(str(exc)) from None


def build_ui(assistant: Assistant) -> gr.Blocks:
    """The Blocks app: chat with cited answers, sources with the page shown, filters, adding papers."""
    choices = assistant.filter_choices()
    label_from, label_to = date_labels(choices["first"], choices["last"])
    with gr.Blocks(title="councilqa") as demo:
        session = gr.State(Session())
        gr.Markdown(
            "# councilqa\nAsk about the council papers. Every sentence of an answer is quoted from a paper and cited "
            "to its meeting, item and printed page; if the papers don't say, you are told so."
        )
        with gr.Tab("Ask"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Answers", height=460, elem_id="chat", sanitize_html=True)
                    question = gr.Textbox(label="Question", placeholder="e.g. What was agreed on SEND transport?", elem_id="question")
                    with gr.Row():
                        ask = gr.Button("Ask", variant="primary", elem_id="ask", scale=3)
                        new = gr.Button("New topic", elem_id="new-topic", scale=1)
                    understood = gr.Markdown(elem_id="understood")
                    gr.Examples(assistant.settings.ui.examples, inputs=question, label="Examples")
                with gr.Column(scale=2):
                    with gr.Accordion("Filters", open=False):
                        council = gr.Dropdown([ANY, *choices["councils"]], value=ANY, label="Council", elem_id="f-council")
                        committee = gr.Dropdown([ANY, *choices["committees"]], value=ANY, label="Committee", elem_id="f-committee")
                        date_from = gr.Textbox(label=label_from, elem_id="f-from")
                        date_to = gr.Textbox(label=label_to, elem_id="f-to")
                        doc_type = gr.Dropdown([ANY, *choices["doc_types"]], value=ANY, label="Document type", elem_id="f-type")
                    sources = gr.Radio([], label="Sources: choose one to see the page", visible=False, elem_id="sources")
                    page_image = gr.Image(label="Cited page", interactive=False, elem_id="page-preview", type="pil")
                    page_note = gr.Markdown(elem_id="page-note")
        with gr.Tab("Decisions & actions"):
            with gr.Row():
                what = gr.Radio(["Decisions", "Actions", EXEMPT_ITEMS], value="Decisions", label="Show", elem_id="r-what")
                topic = gr.Textbox(label="Topic", placeholder="e.g. SEND transport", elem_id="r-topic")
                # any committee the index holds now, not only those at start-up (the register matches part of a name)
                r_committee = gr.Dropdown([ANY, *choices["committees"]], value=ANY, label="Committee", allow_custom_value=True)
                r_from = gr.Textbox(label="Meetings from (YYYY-MM-DD)")
                r_to = gr.Textbox(label="Meetings to (YYYY-MM-DD)")
                r_due = gr.Textbox(label="Actions due before (YYYY-MM-DD)", elem_id="r-due")
            show = gr.Button("Show", elem_id="r-show")
            table = gr.Dataframe(
                headers=REGISTER_COLUMNS,
                datatype=["str", "markdown", "markdown", "str", "markdown", "markdown", "markdown"],
                interactive=False,
                wrap=True,
                column_widths=["9%", "13%", "14%", "8%", "36%", "10%", "10%"],
                max_height=1600,  # 15 and more rows in view, not three in a scroll box
                show_search="search",
                elem_id="register",
            )
            r_note = gr.Markdown(elem_id="r-note")
            csv_file = gr.DownloadButton("Download these rows as CSV", visible=False, elem_id="r-csv")
            show.click(
                lambda *a: register_view(assistant, *a), [what, topic, r_committee, r_from, r_to, r_due], [table, csv_file, r_note], api_name="register"
            )
        with gr.Tab("Timeline"):
            with gr.Row():
                tl_topic = gr.Textbox(label="Topic", placeholder="e.g. SEND transport", elem_id="tl-topic", scale=3)
                tl_council = gr.Dropdown([ANY, *choices["councils"]], value=ANY, label="Council", allow_custom_value=True)
                tl_committee = gr.Dropdown([ANY, *choices["committees"]], value=ANY, label="Committee", allow_custom_value=True)
            tl_show = gr.Button("Show the timeline", elem_id="tl-show")
            tl_result = gr.Markdown(elem_id="tl-result")
            tl_show.click(lambda *a: timeline_markdown(assistant, *a), [tl_topic, tl_council, tl_committee], [tl_result], api_name="timeline")
            tl_topic.submit(lambda *a: timeline_markdown(assistant, *a), [tl_topic, tl_council, tl_committee], [tl_result], api_name=False)
        with gr.Tab("Add papers"):
            files = gr.File(
                label="PDF, HTML, Markdown or text files",
                file_count="multiple",
                file_types=[".pdf", ".html", ".htm", ".md", ".txt"],
                elem_id="upload",
            )
            add = gr.Button("Index these papers", elem_id="add")
            added = gr.Markdown(elem_id="add-result")
            sites = [x.url for x in assistant.settings.sync.sites]
            gr.Markdown(
                "**Or fetch them from the council's modern.gov site** (its agendas, reports and minutes; restricted items are "
                "listed, never fetched)." if sites else
                "_To fetch papers from a council's modern.gov site, list it in `councilqa.toml` under `[[sync.sites]]` "
                "(see the README), or run `qa sync URL`._"
            )
            with gr.Row(visible=bool(sites)):
                site = gr.Dropdown(sites, value=sites[0] if sites else None, label="Council's site", elem_id="sync-site", scale=3)
                sync_now = gr.Button("Fetch new papers", elem_id="sync")
            synced = gr.Markdown(elem_id="sync-result")

        pending = gr.State("")
        inputs = [pending, chatbot, session, council, committee, date_from, date_to, doc_type]
        outputs = [chatbot, sources, session, understood]

        def on_ask(*args):
            yield from ask_stream(assistant, *args)

        # the box is cleared as soon as a question is sent (not after the answer, when the next one may be typed)
        for trigger in (ask.click, question.submit):
            trigger(lambda q: ("", q), [question], [question, pending], api_name=False, queue=False).then(
                on_ask, inputs, outputs, api_name=False
            )

        def api_ask(question: str, council: str = ANY, committee: str = ANY, date_from: str = "", date_to: str = "", doc_type: str = ANY) -> dict:
            """Answer a question; returns the `qa ask --json` object."""
            try:
                return render.answer_dict(assistant.ask(question, parse_filters(council, committee, date_from, date_to, doc_type)))
            except CouncilQAError as exc:
                raise user_error(str(exc)) from None

        gr.api(api_ask, api_name="ask")
        new.click(new_topic, [session], [session, understood], api_name=False, queue=False)
        sources.change(lambda label, s: show_source(assistant, label, s), [sources, session], [page_image, page_note], api_name=False)
        def on_like(s: Session, data: gr.LikeData) -> None:
            save_feedback(assistant, s, data)

        chatbot.like(on_like, [session], None, api_name=False)
        add.click(
            lambda f, progress=gr.Progress(): (yield from add_papers(assistant, f, progress)), [files], [added, council, committee, r_committee, date_from, date_to], api_name=False
        )
        sync_now.click(
            lambda u, progress=gr.Progress(): (yield from sync_site(assistant, u, progress)), [site], [synced, council, committee, r_committee, date_from, date_to], api_name=False
        )
        refreshed = [council, committee, r_committee, date_from, date_to]
        demo.load(lambda: current_choices(assistant), None, refreshed, api_name=False, queue=False)
    return demo


def build_app(assistant: Assistant):
    """FastAPI app: the Gradio UI at / and indexed PDFs at /paper/{paper_id} (catalogued papers only)."""
    from fastapi import FastAPI, HTTPException
    from fastapi.responses import FileResponse, Response

    app = FastAPI(title="councilqa")

    @app.get("/paper/{paper_id}")
    def paper(paper_id: str):
        path = assistant.paper_path(paper_id)
        if path is None:
            raise HTTPException(status_code=404, detail="no such paper in the index")
        withheld = assistant.withheld_pages(paper_id) if path.suffix.lower() == ".pdf" else set()
        if withheld:  # served with those pages left blank
            return Response(blank_pages(path, withheld), media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{path.name}"'})
        media = "application/pdf" if path.suffix.lower() == ".pdf" else "text/plain; charset=utf-8"
        return FileResponse(path, media_type=media, content_disposition_type="inline", filename=path.name)

    demo = build_ui(assistant)
    # the Assistant is shared by these threads (its caches and Chroma calls are locked)
    demo.queue(default_concurrency_limit=assistant.settings.ui.concurrency or os.cpu_count() or 1)
    return gr.mount_gradio_app(app, demo, path="/", css=CSS)


def serve(assistant: Assistant, host: str, port: int) -> None:
    """Run the UI until interrupted."""
    import uvicorn

    log.info("councilqa UI on http://%s:%d", host, port)
    started = time.perf_counter()
    app = build_app(assistant)
    log.info("built in %.1fs", time.perf_counter() - started)
    uvicorn.run(app, host=host, port=port, log_level="warning")
