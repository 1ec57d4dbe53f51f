"""The `qa` command: flags -> Settings -> Assistant -> render. Known errors become one-line messages."""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import click

from index.errors import CouncilQAError
from index.types import DocType

from . import render
from .config import load_settings
from .types import Filters


@contextmanager
def _known_errors():
    """The library's own errors become one-line `Error: ...` messages (exit 1); bugs keep their traceback."""
    try:
        yield
    except CouncilQAError as exc:
        raise click.ClickException(str(exc)) from exc


def _say_waiting(who: str) -> None:
    """One line on stderr while this writer waits for another (`who`: index.lock.Holder.describe)."""
    click.echo(f"waiting: another process is writing this index, {who}", err=True)


def _assistant(ctx: click.Context, create: bool = False, **overrides):
    from .assistant import Assistant

    with _known_errors():
        return Assistant(load_settings(data_dir=ctx.obj.get("data_dir"), **overrides), create=create)


def _read_context(path: Path):
    """The conversation `qa ask` left in the data dir, or None (no earlier question, or a file not ours)."""
    from .intent import Context

    try:
        return Context.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _write_context(path: Path, context) -> None:
    """Keep the conversation for `qa ask --follow-up` (replaced whole, so a reader never sees half of it)."""
    if context is None:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        tmp.write_text(json.dumps(context.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only index still answers; only the follow-up is lost


def _date(ctx, param, value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; use YYYY-MM-DD") from None


def filter_options(f):
    """The retrieval filters shared by `ask` and `retrieve`."""
    for opt in reversed(
        [
            click.option("--council", help="Only this council (a unique part of its name is enough)."),
            click.option("--committee", help="Only this committee (a unique part of its name is enough)."),
            click.option("--from", "date_from", callback=_date, help="Meetings on or after this date (YYYY-MM-DD)."),
            click.option("--to", "date_to", callback=_date, help="Meetings on or before this date (YYYY-MM-DD)."),
            click.option("--type", "doc_type", type=click.Choice([d.value for d in DocType]), help="Only this document type."),
            click.option("--top-k", type=click.IntRange(1, 50), help="How many passages to retrieve."),
        ]
    ):
        f = opt(f)
    return f


def _filters(council, committee, date_from, date_to, doc_type) -> Filters:
    return Filters(council=council, committee=committee, date_from=date_from, date_to=date_to, doc_type=DocType(doc_type) if doc_type else None)


@click.group()
@click.option("--data-dir", type=click.Path(path_type=Path), envvar="QA_HOME", help="Index location (default ./councilqa-index, env QA_HOME).")
@click.option("-v", "--verbose", count=True, help="More logging (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, verbose: int) -> None:
    """councilqa: answers from council papers, every claim cited to its meeting, item and page.

    \b
    Examples:
      qa index papers/
      qa ask "What was agreed on SEND transport?"
      qa ask "What saving was SEND transport on track to deliver?" --json
      qa stats
    """
    logging.basicConfig(level=[logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)], format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "chromadb", "httpx", "sentence_transformers", "transformers"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    ctx.obj = {"data_dir": data_dir}


class _Bar:
    """Progress for `qa index` and `qa sync`: a tqdm bar on stderr (made on the first event), and a line when
    this process waits for another writer."""

    def __init__(self, quiet: bool, unit: str):
        self.quiet, self.unit, self.bar = quiet, unit, None

    def __call__(self, event: str, source: str, done: int, total: int) -> None:
        if event == "waiting":
            _say_waiting(source)
            return
        if self.quiet:
            return
        from tqdm import tqdm

        if self.bar is None or (event == "start" and done == 0 and (self.bar.n or self.bar.total != total)):  # sync, then index
            self.close()
            self.bar = tqdm(total=total, unit=self.unit, file=sys.stderr, dynamic_ncols=True)
        if event == "start":
            self.bar.set_postfix_str(source[-40:])
        elif event == "embedding":  # a long paper: how far into it
            self.bar.set_postfix_str(f"{source[-30:]} {done:,}/{total:,} chunks")
        elif event == "sentences":  # after the papers: the sentences answers compare with a question
            self.bar.set_postfix_str(f"sentences for answers {done:,}/{total:,}")
        elif event != "removed":
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--manifest", "manifests", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path), help="CSV/TSV mapping filename -> council, committee, meeting_date, document_type.")
@click.option("--prune", is_flag=True, help="Also remove papers that were deleted from the given folders.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--no-wait", is_flag=True, help="Fail at once if another process is writing this index (default: wait for it).")
@click.pass_context
def index(ctx: click.Context, paths: tuple[Path, ...], manifests: tuple[Path, ...], prune: bool, quiet: bool, no_wait: bool) -> None:
    """Index papers (PDF, modern.gov HTML, Markdown, text) from files or folders.

    Unchanged papers are skipped, changed ones replaced. A bad file is reported and the rest indexed;
    the exit code is 1 if any file failed. One process writes an index at a time: while another is
    indexing (or a UI upload runs), this waits for it, or with --no-wait fails at once.

    \b
    Example:
      qa index papers/ --manifest papers/SOURCES.tsv
    """
    assistant = _assistant(ctx, create=True)
    bar = _Bar(quiet, "paper")
    try:
        report = assistant.index(list(paths), manifests=list(manifests), prune=prune, progress=bar, wait=not no_wait)
    except CouncilQAError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        bar.close()
    click.echo(render.report_text(report))
    if report.skipped:
        sys.exit(1)


@cli.command()
@click.argument("question")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (stdout holds only the JSON).")
@click.option("--stream", is_flag=True, help="Print each verified sentence as soon as it is ready.")
@click.option(
    "--follow-up",
    "follow_up",
    is_flag=True,
    help="Ask QUESTION as the next question after the last `qa ask` on this index: \"and in January?\" keeps its topic, council, committee and meeting.",
)
@click.pass_context
def ask(ctx, question, council, committee, date_from, date_to, doc_type, top_k, as_json, stream, follow_up) -> None:
    """Answer QUESTION from the indexed papers, citing meeting, item and page.

    \b
    Examples:
      qa ask "What was agreed about SEND transport at the September 2025 meeting?"
      qa ask "How many children were subject to child protection plans?" --council leicester --json
      qa ask "What was agreed on SEND transport?" && qa ask --follow-up "and in January?"
    """
    with _known_errors():
        filters = _filters(council, committee, date_from, date_to, doc_type)  # a bad range fails before the model loads
    assistant = _assistant(ctx)
    from .types import Answer

    conversation = Path(assistant.settings.data_dir) / "conversation.json"
    context = _read_context(conversation) if follow_up else None
    with _known_errors():
        if stream and not as_json:
            result = None
            for event in assistant.ask_stream(question, filters, top_k, context):
                if isinstance(event, Answer):
                    result = event
                else:
                    click.echo(render.readable(event) + " ", nl=False)  # as the UI and plain `qa ask` show it
            click.echo()
            for line in render.answer_notes(result):
                click.echo(line)
            click.echo(render.sources_text(result).lstrip("\n"))
        else:
            result = assistant.ask(question, filters, top_k, context)
    _write_context(conversation, result.context)
    if stream and not as_json:
        return
    if as_json:
        click.echo(json.dumps(render.answer_dict(result), ensure_ascii=False, indent=2))
    else:
        click.echo(render.answer_text(result))


@cli.command()
@click.argument("question")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the passages as JSON.")
@click.pass_context
def retrieve(ctx, question, council, committee, date_from, date_to, doc_type, top_k, as_json) -> None:
    """Show the passages retrieved for QUESTION, best first (no answer)."""
    with _known_errors():
        filters = _filters(council, committee, date_from, date_to, doc_type)
    assistant = _assistant(ctx)
    with _known_errors():
        hits = assistant.retrieve(question, filters, top_k)
    if as_json:
        click.echo(json.dumps([render.hit_dict(h) for h in hits], ensure_ascii=False, indent=2))
    else:
        click.echo(render.hits_text(hits) or "No passages found.")


@cli.command()
@click.option("--topic", help="Only decisions about this topic (hybrid search over the register).")
@click.option("--committee", help="Only this committee (any part of its name).")
@click.option("--from", "date_from", callback=_date, help="Meetings on or after this date (YYYY-MM-DD).")
@click.option("--to", "date_to", callback=_date, help="Meetings on or before this date (YYYY-MM-DD).")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--exempt", is_flag=True, help="List the items taken in private instead (exempt, Part B): each with its reason, never its content.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def decisions(ctx, topic, committee, date_from, date_to, limit, exempt, as_json) -> None:
    """What was agreed, noted or resolved, with amendments' mover, seconder and votes.

    \b
    Examples:
      qa decisions --topic "SEND transport"
      qa decisions --committee "County Council" --from 2025-02-01 --json
      qa decisions --exempt --committee Cabinet
    """
    from .register import RecordFilters

    with _known_errors():
        filters = RecordFilters(committee=committee, date_from=date_from, date_to=date_to)
    assistant = _assistant(ctx)
    with _known_errors():
        rows = (assistant.exempt_items if exempt else assistant.decisions)(topic, filters, limit)
    if as_json:
        click.echo(json.dumps([render.record_dict(r) for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(render.records_table(rows, "exempt" if exempt else "decision") or f"No {'exempt items' if exempt else 'decisions'} found.")


@cli.command()
@click.option("--topic", help="Only commitments about this topic.")
@click.option("--due-before", callback=_date, help="Only those due before this date (YYYY-MM-DD).")
@click.option("--committee", help="Only this committee (any part of its name).")
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def actions(ctx, topic, due_before, committee, limit, as_json) -> None:
    """What was promised for later: what, who (if stated), due when, and where it was said.

    \b
    Examples:
      qa actions --topic "SEND transport"
      qa actions --due-before 2026-04-01 --json
    """
    from .register import RecordFilters

    assistant = _assistant(ctx)
    with _known_errors():
        rows = assistant.actions(topic, RecordFilters(committee=committee, due_before=due_before), limit)
    if as_json:
        click.echo(json.dumps([render.record_dict(r) for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(render.records_table(rows, "commitment") or "No commitments found.")


@cli.command()
@click.argument("topic")
@click.option("--council", help="Only this council (any part of its name).")
@click.option("--committee", help="Only this committee (any part of its name).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def timeline(ctx, topic, council, committee, as_json) -> None:
    """How TOPIC moved through meetings: where it was on the agenda, what was decided (the latest marked as in
    force) and promised (with when it is due and whether a later agenda took it up), in date order, each with its page.

    \b
    Examples:
      qa timeline "SEND transport"
      qa timeline "Family Hubs" --council kent --json
    """
    assistant = _assistant(ctx)
    with _known_errors():
        t = assistant.timeline(topic, council, committee)
    if as_json:
        click.echo(json.dumps(render.timeline_dict(t), ensure_ascii=False, indent=2))
    else:
        click.echo(render.timeline_text(t))


@cli.command()
@click.argument("url")
@click.option("--committee", "committees", multiple=True, help="A committee to fetch (its name or a part only it has); repeat for more. Default: all.")
@click.option("--from", "date_from", callback=_date, help="Earliest meeting date, yyyy-mm-dd.")
@click.option("--to", "date_to", callback=_date, help="Latest meeting date, yyyy-mm-dd (default: a year ahead).")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), help="Folder for the papers (default: DATA_DIR/papers, or sync.folder).")
@click.option("--council", default="", help="The council's name for the manifest (default: read from the papers).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--no-wait", is_flag=True, help="Fail at once if another process is writing this index.")
@click.pass_context
def sync(ctx, url, committees, date_from, date_to, into, council, quiet, no_wait) -> None:
    """Fetch papers from a council's modern.gov site, then index them.

    Uses the site's web service (URL/mgWebService.asmx): each public document of the chosen committees'
    meetings is downloaded once into FOLDER/<committee>/<yyyy-mm-dd>/, with the agenda and published
    minutes, and a manifest (councilqa-manifest.csv) recording council, committee, meeting date, agenda
    item, type and source URL. A later run fetches only what is new or re-published; a run that was
    stopped carries on. Restricted (exempt) items are listed, never fetched. One request at a time, with
    a delay (sync.delay_s).

    \b
    Example:
      qa sync https://democracy.kent.gov.uk --committee Cabinet --from 2025-01-01
    """
    assistant = _assistant(ctx, create=True)
    bar = _Bar(quiet, "meeting")
    try:
        fetched, report = assistant.sync(url, list(committees), date_from, date_to, into, council, progress=bar, wait=not no_wait)
    except CouncilQAError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        bar.close()
    click.echo(render.sync_text(fetched))
    click.echo(render.report_text(report))
    if fetched.failed or report.skipped:
        sys.exit(1)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx, as_json: bool) -> None:
    """Papers, chunks, meetings and committees in the index."""
    s = _assistant(ctx).stats()
    if as_json:
        click.echo(json.dumps(s, default=str, indent=2))
    else:
        click.echo(render.stats_text(s))


@cli.command()
@click.option("--repair", is_flag=True, help="Re-embed papers whose chunks disagree with the catalog, remove stray chunks, rebuild damaged Chroma files.")
@click.option("--no-wait", is_flag=True, help="With --repair: fail at once if another process is writing this index.")
@click.pass_context
def doctor(ctx, repair: bool, no_wait: bool) -> None:
    """Check that the catalog and Chroma agree, paper by paper; exit 1 if they do not (after --repair: if it failed).

    \b
    Example:
      qa doctor && qa doctor --repair
    """
    assistant = _assistant(ctx)

    with _known_errors():
        found = assistant.doctor(repair=repair, wait=not no_wait, on_wait=lambda other: _say_waiting(other.describe()))
        click.echo(render.checkup_text(found, repaired=repair))
        if repair and not found.ok:
            after = assistant.doctor()
            click.echo("after repair: " + ("OK" if after.ok else render.checkup_text(after, repaired=False)))
            sys.exit(0 if after.ok else 1)
    sys.exit(0 if found.ok else 1)


@cli.command("eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=Path("eval/smoke.jsonl"))
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Index this folder first (unchanged papers cost nothing).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write one JSON line per question: its id and the `qa ask --json` object.")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write a Markdown report with each failing question.")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path), default=Path("eval/baseline.json"), show_default=True)
@click.option("--check", is_flag=True, help="Exit 1 if a metric falls below its floor or drops more than the tolerance from the baseline.")
@click.option("--update-baseline", is_flag=True, help="Rewrite the baseline's metrics with this run's (keeps floors and tolerance).")
@click.option("--compare", is_flag=True, help="Also run a default llama-index pipeline and plain BM25 on the same corpus (needs --corpus).")
@click.option("--llm", type=click.Choice(["extractive", "openai-like", "ollama", "llamacpp"]), help="Answer backend to score (default: the configured one, QA_LLM).")
@click.option("--decisions", "score_decisions", is_flag=True, help="QUESTIONS is a decisions/commitments label file: score the register's precision and recall.")
@click.pass_context
def eval_cmd(ctx, questions, corpus, out, report, baseline, check, update_baseline, compare, llm, score_decisions) -> None:
    """Score answers on known Q&A pairs: retrieval recall, answers, citations, abstention, latency.

    \b
    Examples:
      qa eval eval/smoke.jsonl --corpus papers --check
      qa eval eval/questions.jsonl --corpus ../shared/corpus --out r.jsonl --report r.md
      qa eval eval/questions.jsonl --corpus ../shared/corpus --compare
      qa eval eval/decisions.jsonl --decisions --corpus ../shared/corpus
    """
    import time

    from .cite import stored_page
    from .evaluate import by_tag, check_against_baseline, load_questions, report_markdown, score_one, summarise

    if compare and not corpus:
        raise click.UsageError("--compare needs --corpus (the baselines index the same folder)")
    assistant = _assistant(ctx, create=True, llm=llm)
    if score_decisions:
        from .evaluate import register_labels, score_register

        with _known_errors():
            if corpus:
                click.echo(render.report_text(assistant.index([corpus])), err=True)
            scores = score_register(assistant.store.records(), register_labels(questions))
        click.echo(json.dumps(scores, indent=2, ensure_ascii=False))
        for type_, m in scores.items():
            click.echo(f"{type_}s: recall {m['recall']}, precision {m['precision']} ({m['labelled']} labelled, {m['extracted']} extracted)", err=True)
        return
    qs = load_questions(questions)
    results, latencies = [], []

    def page_text(paper_id: str, page_index: int) -> str | None:
        return stored_page(assistant.store, paper_id, page_index)

    with _known_errors():
        if corpus:
            indexed = assistant.index([corpus])
            click.echo(render.report_text(indexed), err=True)
        with (out.open("w", encoding="utf-8") if out else _null()) as fh:
            for q in qs:
                started = time.perf_counter()
                ranked = assistant.retrieve(q.question, top_k=10)
                latencies.append(time.perf_counter() - started)
                answer = assistant.ask(q.question)
                results.append(score_one(q, answer, [f"{h.chunk.header()}\n{h.chunk.text}" for h in ranked], page_text))
                if fh:
                    fh.write(json.dumps({"id": q.id, **render.answer_dict(answer)}, ensure_ascii=False) + "\n")
    summary = summarise(results)
    tags = by_tag(results)
    output = {"summary": summary, "by_tag": tags}
    if compare:
        output["compare"] = _compare(assistant, corpus, qs, [r.rank for r in results], latencies)
    click.echo(json.dumps(output, indent=2))
    if compare:
        click.echo(render.compare_table(output["compare"]), err=True)
    if report:
        report.write_text(report_markdown(summary, tags, results), encoding="utf-8")
    if update_baseline:
        data = json.loads(baseline.read_text()) if baseline.exists() else {"floors": {}, "tolerance": 0.05}
        data["metrics"] = summary
        data["questions"] = str(questions)
        baseline.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        click.echo(f"baseline written to {baseline}", err=True)
    if check:
        if not baseline.exists():
            raise click.ClickException(f"no baseline at {baseline}; create one with --update-baseline")
        failures = check_against_baseline(summary, json.loads(baseline.read_text()))
        for f in failures:
            click.echo(f"REGRESSION: {f}", err=True)
        if failures:
            sys.exit(1)
        click.echo("eval check passed", err=True)


def _compare(assistant, corpus: Path, qs, our_ranks, our_latencies) -> dict:
    """Retrieval metrics of councilqa beside a default llama-index pipeline and plain BM25."""
    import tempfile
    import time

    from .baselines import build_baselines
    from .evaluate import evidence_rank, retrieval_groups, retrieval_summary

    table = {"councilqa (hybrid)": retrieval_summary(qs, our_ranks, our_latencies)}
    groups = {"councilqa (hybrid)": retrieval_groups(qs, our_ranks)}
    with tempfile.TemporaryDirectory(prefix="councilqa-baselines-") as scratch:
        baselines, timings = build_baselines(corpus, assistant.embedder, Path(scratch))
        for b in baselines:
            ranks, lat = [], []
            for q in qs:
                started = time.perf_counter()
                passages = b.retrieve(q.question)
                lat.append(time.perf_counter() - started)
                ranks.append(evidence_rank(q, [p.text for p in passages]))
            table[b.name] = retrieval_summary(qs, ranks, lat)
            groups[b.name] = retrieval_groups(qs, ranks)
    table["_build"] = timings
    table["_groups"] = groups  # recall per council and per tag, for each retriever
    return table


@cli.command()
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port (default 7860).")
@click.pass_context
def serve(ctx, host: str | None, port: int | None) -> None:
    """Start the web UI: chat with cited answers, the cited page shown, filters, adding papers.

    \b
    Example:
      qa serve --port 7860     # then open http://127.0.0.1:7860
    """
    from .ui import serve as run

    assistant = _assistant(ctx, create=True)
    host = host or assistant.settings.ui.host
    port = port or assistant.settings.ui.port
    busy = _port_in_use(host, port)
    if busy:
        raise click.ClickException(f"cannot serve on {host}:{port}: {busy}; stop what uses it or pass --port")
    click.echo(f"councilqa UI: http://{host}:{port}  (Ctrl-C to stop)", err=True)
    with _known_errors():
        assistant.retriever.chunk_count()  # load the model and BM25 before the first question
        run(assistant, host, port)


def _port_in_use(host: str, port: int) -> str:
    """Why the UI could not listen on host:port ('' when it can), tried as the server will bind it."""
    import socket

    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: TIME_WAIT is no obstacle
            sock.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


class _null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def main() -> None:
    """Console-script entry point."""
    cli()


if __name__ == "__main__":
    main()
