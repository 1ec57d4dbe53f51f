"""Answer -> dict (the `qa ask --json` schema) | terminal text. The only place that formats citations for people."""

from __future__ import annotations

import html
import re
from datetime import date

from index.store import StoredRecord
from index.types import IndexReport, item_name

from .timeline import Entry, Timeline
from .types import Answer, Citation, Hit


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def citation_dict(c: Citation) -> dict:
    """One citation in the JSON schema."""
    return {
        "n": c.n,
        "source": c.source,
        "title": c.title,
        "council": c.council,
        "committee": c.committee,
        "meeting_date": _iso(c.meeting_date),
        "item": c.item,
        "page": c.page,
        "pdf_page": c.pdf_page,
        "text": c.text,
        **({"table_header": c.header} if c.header else {}),
        **({"source_url": c.source_url} if c.source_url else {}),
        **({"ocr": True} if c.ocr else {}),
    }


def hit_dict(h: Hit) -> dict:
    """One retrieved passage in the JSON schema."""
    span = h.chunk.spans[0] if h.chunk.spans else None
    return {
        "source": h.chunk.source,
        "page": span.label if span else None,
        "pdf_page": span.pdf_page if span else None,
        "meeting_date": _iso(h.chunk.meeting_date),
        "item": item_name(h.chunk.item, h.chunk.item_title),
        "text": h.chunk.text,
        "score": round(h.score, 4),
    }


def answer_dict(a: Answer) -> dict:
    """The `qa ask --json` object: question, answer, abstained, notice, citations, retrieved, latency_s."""
    return {
        "question": a.question,
        "answer": a.text,
        "abstained": a.abstained,
        "notice": a.notice,  # why the papers don't answer (or which part), or why the answer fell back
        "citations": [citation_dict(c) for c in a.citations],
        "retrieved": [hit_dict(h) for h in a.hits],
        "latency_s": round(a.latency_s, 3),
        "mode": a.mode,
        "verified": a.verified,
        "removed": a.removed,
        "understood": a.understood,  # a follow-up as it was read: the conversation's topic, council, committee, meetings
        "context": a.context.to_dict() if a.context else None,  # pass back as the next question's context
    }


def page_name(page: str | None, pdf_page: int | None) -> str:
    """'page 2 (PDF page 6)', 'page 2', or '' for an HTML item."""
    if page and pdf_page and str(pdf_page) != page:
        return f"page {page} (PDF page {pdf_page})"
    if page:
        return f"page {page}"
    if pdf_page:
        return f"PDF page {pdf_page}"
    return ""


def _citation_bits(c: Citation) -> list[str]:
    """Council, committee, meeting date, item and page of a citation, the parts that are known."""
    bits = [c.council, c.committee]
    if c.meeting_date:
        bits.append(c.meeting_date.strftime("%d %b %Y").lstrip("0"))
    if c.item:
        bits.append(f"item {c.item}")
    where = page_name(c.page, c.pdf_page)
    bits.append(f"{where}, text read by OCR" if c.ocr and where else where)  # a scan: the words are OCR's reading
    return [b for b in bits if b]


def citation_line(c: Citation) -> str:
    """'[1] Leicester City Council, Children... Commission, 23 Sep 2025, item 173. ..., page 8 (PDF page 12) — source'."""
    return f"[{c.n}] " + ", ".join(_citation_bits(c)) + f" — {c.source}"


def sources_text(a: Answer) -> str:
    """The block under an answer in the terminal: each citation with its quote, or the closest passages."""
    lines: list[str] = []
    if a.citations:
        lines += ["", "Sources:"]
        for page in by_number(a.citations):  # one source per page, with each sentence quoted from it
            lines.append(citation_line(page[0]))
            if page[0].source_url:
                lines.append(f"    on the council's site: {page[0].source_url}")
            for c in page:
                lines.append(f'    "{c.text}"')
                if c.header:
                    lines.append(f'    in the table headed "{c.header}"')
    elif a.abstained and a.hits:
        lines += ["", "Closest passages found (none answers the question):"]
        for h in a.hits[:3]:
            span = h.chunk.spans[0] if h.chunk.spans else None
            where = page_name(span.label, span.pdf_page) if span else ""
            lines.append(f"  - {h.chunk.source} {where} {h.chunk.heading}".rstrip())
    if a.removed:
        lines += ["", f"({len(a.removed)} generated sentence(s) removed by the verifier)"]
    return "\n".join(lines)


def answer_notes(a: Answer) -> list[str]:
    """The lines that go with an answer in the terminal: how a follow-up was understood, and its notice."""
    return [f"({line})" for line in (f"Understood as: {a.understood}" if a.understood else "", a.notice) if line]


def answer_text(a: Answer) -> str:
    """An answer for the terminal: how a follow-up was read and a notice, the text, then its sources."""
    return "\n".join([*answer_notes(a), readable(a.text)]) + sources_text(a)


def hits_text(hits: list[Hit]) -> str:
    """Retrieved passages for the terminal."""
    out = []
    for i, h in enumerate(hits, 1):
        span = h.chunk.spans[0] if h.chunk.spans else None
        where = page_name(span.label, span.pdf_page) if span else ""
        date_s = _iso(h.chunk.meeting_date) or "undated"
        out.append(f"{i}. [{h.score:.3f}] {h.chunk.source} {where} {date_s} {item_name(h.chunk.item, h.chunk.item_title)}".rstrip())
        out.append("   " + h.chunk.text[:300].replace("\n", " "))
    return "\n".join(out)


def report_text(r: IndexReport) -> str:
    """The closing summary of an indexing run."""
    lines = [
        f"Indexed {len(r.added)} new, {len(r.updated)} changed; {len(r.unchanged)} unchanged; "
        f"{len(r.removed)} removed; {len(r.skipped)} failed. "
        f"{r.chunks_embedded} chunks embedded in {r.seconds:.1f}s"
        + (f" ({r.chunks_embedded / r.seconds:.1f} chunks/s)." if r.seconds and r.chunks_embedded else ".")
    ]
    for source, first in r.duplicates:
        lines.append(f"  duplicate: {source} has the same content as {first} (not indexed twice)")
    for source, pages in r.withheld:
        lines.append(f"  exempt: {source}: page{'s' * (len(pages) > 1)} {', '.join(pages)} marked not for publication (only the marking indexed)")
    for source, pages in r.ocr_read:
        lines.append(f"  OCR: {source}: page{'s' * (len(pages) > 1)} {', '.join(pages)} had no text layer; read by OCR")
    for source, pages in r.needs_ocr:
        from index.ocr import INSTALL

        many = len(pages) > 1
        lines.append(
            f"  no text: {source}: page{'s' * many} {', '.join(pages)} {'have' if many else 'has'} no text layer (indexed without "
            f"{'them' if many else 'it'}); to read such pages, install Tesseract ({INSTALL}; see README, Scanned pages)"
        )
    for s in r.skipped:
        lines.append(f"  failed: {s.source}: {s.reason}")
    return "\n".join(lines)


def sync_text(r) -> str:
    """The summary of a `qa sync` run (index.sync.SyncReport), before indexing's own."""
    lines = [(
        f"Synced {r.meetings} meeting{'s' * (r.meetings != 1)}: {len(r.downloaded)} documents downloaded "
        f"({r.bytes / 1e6:.1f} MB), {len(r.written)} agenda/minutes pages written, {r.unchanged} unchanged; "
        f"{len(r.restricted)} restricted (listed, not fetched); {len(r.failed)} failed; {r.seconds:.1f}s."
    )]
    lines += [f"  restricted: {where}" for where in r.restricted]
    lines += [f"  failed: {url}: {why}" for url, why in r.failed]
    return "\n".join(lines)


def checkup_text(c, repaired: bool) -> str:
    """`qa doctor`'s findings (index.doctor.Checkup), and what a repair did."""
    lines = [f"catalog: {c.papers} papers, {c.chunks} chunks"]
    if c.damaged:
        lines.append(f"Chroma damaged: {c.damaged}")
    for f in c.findings if not c.damaged else []:
        lines.append(f"  disagrees: {f.source}: {f.problem}")
    if c.orphans:
        lines.append(f"  {sum(c.orphans.values())} chunks of {len(c.orphans)} papers the catalog does not list (an interrupted run's)")
    if c.ok:
        lines.append("OK: the catalog and Chroma agree.")
    elif repaired:
        if c.kept_aside:
            lines.append(f"damaged Chroma files moved to {c.kept_aside}")
        lines.append(f"Repaired: {len(c.repaired)} papers re-embedded from the catalog, {len(c.orphans)} papers' stray chunks removed.")
    else:
        lines.append("Run `qa doctor --repair` to make Chroma agree with the catalog.")
    return "\n".join(lines)


def stats_text(stats: dict) -> str:
    """`qa stats` for the terminal."""
    lines = [
        f"papers: {stats['papers']}",
        f"pages: {stats['pages']}",
        f"chunks: {stats['chunks']}",
        f"meetings: {stats['meetings']}"
        + (f" ({stats['first_meeting']} to {stats['last_meeting']})" if stats["first_meeting"] else ""),
        f"councils: {', '.join(stats['councils']) or '-'}",
        f"committees ({len(stats['committees'])}):",
    ]
    lines.extend(f"  {c}" for c in stats["committees"])
    if stats.get("writer"):
        lines.append(f"being written now by {stats['writer']}")
    return "\n".join(lines)


def compare_table(table: dict) -> str:
    """`qa eval --compare` as a Markdown table."""
    cols = ["recall@1", "recall@5", "recall@10", "mrr", "latency_p50_s", "latency_p95_s"]
    lines = ["| retriever | " + " | ".join(cols) + " |", "|" + " --- |" * (len(cols) + 1)]
    for name, m in table.items():
        if not name.startswith("_"):
            lines.append(f"| {name} | " + " | ".join(str(m.get(c)) for c in cols) + " |")
    groups = table.get("_groups") or {}
    if groups:
        names = list(groups)
        lines += ["", "recall@5 by council and tag:", "", "| group | questions | " + " | ".join(names) + " |", "|" + " --- |" * (len(names) + 2)]
        for key, m in groups[names[0]].items():
            lines.append(f"| {key} | {m['questions']} | " + " | ".join(str(groups[n].get(key, {}).get("recall@5")) for n in names) + " |")
    return "\n".join(lines)


def escape_md(text: str) -> str:
    """Paper text made safe for a Markdown view: HTML escaped (never rendered), Markdown markers neutralised."""
    text = html.escape(text, quote=False)
    text = re.sub(r"([\\`*_\[\]#|~])", r"\\\1", text)
    return re.sub(r"^(\s*\d+)\.(\s)", r"\1\\.\2", text, flags=re.MULTILINE)  # "173. ..." is not a list


def by_number(citations: list[Citation]) -> list[list[Citation]]:
    """Citations grouped by their number (one number per page), in order of first use."""
    groups: dict[int, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.n, []).append(c)
    return list(groups.values())


def source_label(c: Citation) -> str:
    """One line naming a cited page for people: "Paper title — council · committee · date · item · Page N"."""
    bits = _citation_bits(c)
    if page_name(c.page, c.pdf_page):  # the page reads "Page 2 (PDF page 6)" at the end of a label
        bits[-1] = bits[-1][0].upper() + bits[-1][1:]
    return f"[{c.n}] " + (f"{c.title} — " if c.title else "") + " · ".join(bits)


# bullets and list glyphs the papers start lines with ("•", "", "▪", "o "): dropped from what is shown
_GLYPHS = re.compile(r"(?:(?<=^)|(?<=\s))[•·▪►◦‣∙\uf0b7\uf0a7\uf0d8](?=\s|$)\s*")


def readable(text: str) -> str:
    """A quoted sentence as shown in an answer: the papers' bullets and stray glyphs removed, spaces closed up.
    The citation keeps the quote verbatim."""
    return re.sub(r"\s{2,}", " ", _GLYPHS.sub("", text)).strip()


def answer_sentences_markdown(a: Answer) -> list[str]:
    """The answer as escaped Markdown pieces (one per cited sentence), for streaming into a chat."""
    if a.abstained or not a.citations:
        return [escape_md(a.text)]
    pieces = re.split(r"(?<=\]) (?=\S)", a.text)
    return [escape_md(readable(p)) for p in pieces]


def answer_markdown(a: Answer) -> str:
    """The whole answer for the chat: one paragraph for one sentence, a list for several."""
    pieces = answer_sentences_markdown(a)
    if len(pieces) == 1:
        return pieces[0]
    return "\n".join(f"- {p}" for p in pieces)


def sources_markdown(a: Answer) -> str:
    """The sources block shown under an answer: one line per cited page."""
    if not a.citations:
        return ""
    lines = ["", "", "**Sources**", ""]
    lines += [f"- {escape_md(source_label(page[0]))}{_site_link(page[0])}" for page in by_number(a.citations)]
    return "\n".join(lines)


def _site_link(c: Citation) -> str:
    """' ([on the council's site](URL))' for a paper whose published address is known, else ''."""
    link = site_link(c.source_url)
    return f" ({link})" if link else ""


def site_link(url: str | None) -> str:
    """'[on the council's site](URL)' for a web address (a manifest's, `qa sync`'s), else ''."""
    if not url or not url.startswith(("https://", "http://")):
        return ""
    return "[on the council's site](" + url.replace(")", "%29").replace(" ", "%20") + ")"


def record_dict(r: StoredRecord) -> dict:
    """A decision or commitment for JSON."""
    rec = r.record
    out = {
        "type": rec.type,
        "kind": rec.kind or None,
        "text": rec.text,
        "council": r.council,
        "committee": r.committee,
        "meeting_date": _iso(rec.meeting_date),
        "item": item_name(rec.item, rec.item_title),
        "source": r.source,
        "page": rec.label,
        "pdf_page": rec.pdf_page,
        "paper_id": r.paper_id,
    }
    if rec.type == "decision":
        out.update(mover=rec.mover, seconder=rec.seconder, votes=rec.votes or None)
    else:
        out.update(due=rec.due, who=rec.who)
        fu = r.follow_up
        if fu is not None:
            out["status"] = fu.status
            out["next_meeting"] = _iso(fu.next_meeting)
            if fu.item is not None:
                it = fu.item
                out["later_item"] = {
                    "meeting_date": _iso(it.meeting_date), "item": item_name(it.item, it.title),
                    "source": it.source, "page": it.label, "pdf_page": it.pdf_page, "paper_id": it.paper_id,
                }
    return out


def follow_up_line(r: StoredRecord) -> str:
    """'on a later agenda: 2025-10-28 item 183. Children Seeking Safety (source, page 3)', or the status alone."""
    fu = r.follow_up
    if fu is None:
        return ""
    if fu.item is None:
        return fu.status
    it = fu.item
    item = f"item {it.item}. {it.title}" if it.item else it.title
    return f"{fu.status}: {_iso(it.meeting_date)} {item} ({it.source}, {page_name(it.label, it.pdf_page) or 'web page'})"


def records_table(rows: list[StoredRecord], type_: str) -> str:
    """Decisions, commitments or exempt items as a terminal table: when, item, what, where."""
    if not rows:
        return ""
    out = []
    for r in rows:
        rec = r.record
        when = _iso(rec.meeting_date) or "undated"
        where = page_name(rec.label, rec.pdf_page) or "web page"
        item = f"item {rec.item}" if rec.item else ""
        if type_ == "decision":
            tag = rec.kind or "decision"
            extra = []
            if rec.mover:
                extra.append(f"moved {rec.mover}, seconded {rec.seconder}")
            if rec.votes:
                extra.append("votes " + ", ".join(f"{k} {v}" for k, v in rec.votes.items()))
            head = f"{when}  {r.committee}  {item}  [{tag}]" + (f"  ({'; '.join(extra)})" if extra else "")
        elif type_ == "exempt":
            head = f"{when}  {r.committee}  {item}  [taken in private: {rec.kind}]"
        else:
            head = f"{when}  {r.committee}  {item}  due {rec.due or 'not stated'}" + (f"  by {rec.who}" if rec.who else "")
        out.append(head.replace("    ", "  "))
        out.append(f"    {rec.text}")
        out.append(f"    — {r.source}, {where}")
        if rec.type == "commitment" and r.follow_up is not None:
            out.append(f"    → {follow_up_line(r)}")
    return "\n".join(out)


def _month(due: str) -> str:
    """'2026-01' -> 'January 2026'."""
    try:
        return date.fromisoformat(f"{due[:7]}-01").strftime("%B %Y")
    except ValueError:
        return due


def _timeline_groups(t: Timeline) -> list[tuple[str, list[Entry]]]:
    """Entries under their heading: each meeting ("23 Sep 2025 · council · committee"), each due month."""
    groups: list[tuple[str, list[Entry]]] = []
    for e in t.entries:
        if e.kind == "due":
            head = f"Due {_month(e.due)}"
        else:
            when = e.meeting_date.strftime("%d %b %Y").lstrip("0") if e.meeting_date else "Undated"
            head = " · ".join(x for x in (when, e.council, e.committee) if x)
        if not groups or groups[-1][0] != head:
            groups.append((head, []))
        groups[-1][1].append(e)
    return groups


def _entry_tag(e: Entry) -> str:
    if e.kind == "decided":
        return f"decided ({e.status or 'decision'})" + (" — the latest decision, in force" if e.in_force else "")
    if e.kind == "promised":
        return "promised" + (f", due {_month(e.due)}" if e.due else "")
    if e.kind == "due":
        said = e.meeting_date.strftime("%d %b %Y").lstrip("0") if e.meeting_date else "undated"
        return f"{e.status}, promised {said}"
    if e.kind == "taken in private":
        return f"taken in private ({e.status}; its papers are not published)"
    return e.kind


def timeline_dict(t: Timeline) -> dict:
    """A timeline for JSON."""
    return {
        "topic": t.topic,
        "entries": [
            {
                "kind": e.kind, "text": e.text, "meeting_date": _iso(e.meeting_date), "council": e.council, "committee": e.committee,
                "item": e.item, "source": e.source, "paper_id": e.paper_id, "page": e.page, "pdf_page": e.pdf_page,
                "status": e.status, "due": e.due or None, "in_force": e.in_force,
            }
            for e in t.entries
        ],
    }


def timeline_text(t: Timeline) -> str:
    """A timeline for the terminal: meetings and due months in order, each entry with its paper and page."""
    if not t.entries:
        return f"Nothing about {t.topic!r} found on an agenda or in the register."
    out = []
    for head, entries in _timeline_groups(t):
        out.append(head)
        for e in entries:
            where = page_name(e.page, e.pdf_page) or "web page"
            named = e.kind in ("on the agenda", "reported", "taken in private")  # a title, not a quote
            text = e.text if named else f'"{e.text}"'
            out.append(f"  {_entry_tag(e)}: {text}")
            out.append(f"      — {e.source}, {where}" + (f", item {e.item}" if e.item and not named else ""))
    return "\n".join(out)


def timeline_markdown(t: Timeline) -> str:
    """A timeline for the UI: a heading per meeting or due month, each entry linked to its page."""
    if not t.entries:
        return f"Nothing about “{escape_md(t.topic)}” found on an agenda or in the register."
    out = []
    for head, entries in _timeline_groups(t):
        out += [f"#### {escape_md(head)}", ""]
        for e in entries:
            where = page_name(e.page, e.pdf_page) or e.source
            link = f"[{escape_md(where)}](/paper/{e.paper_id}#page={e.pdf_page})" if e.pdf_page else escape_md(where)
            text = escape_md(readable(e.text))
            tag = escape_md(_entry_tag(e))
            out.append(f"- **{tag}**: {text} — {link}" if not e.in_force else f"- **{tag}** ✔: {text} — {link}")
        out.append("")
    return "\n".join(out)
