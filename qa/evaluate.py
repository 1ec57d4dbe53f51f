"""Scoring answers against known Q&A pairs (eval/*.jsonl): retrieval, answers, citations, abstention."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from index.text import squash

from .cite import on_page
from .types import Answer


@dataclass
class Question:
    """One eval question (see eval/README.md for the format)."""

    id: str
    question: str
    answer_contains: list
    evidence_contains: list[str]
    answerable: bool
    source: str | None = None
    page: int | None = None
    tags: list[str] = field(default_factory=list)


def load_questions(path: Path) -> list[Question]:
    """Read a JSONL eval file."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        known = {k: row[k] for k in Question.__dataclass_fields__ if k in row}
        known.setdefault("tags", [])
        out.append(Question(**known))
    return out


def answer_correct(q: Question, text: str) -> bool:
    """Every expected item (or one of its alternatives) appears in the answer, case-insensitively."""
    have = squash(text)
    for item in q.answer_contains:
        options = item if isinstance(item, list) else [item]
        if not any(squash(o) in have for o in options):
            return False
    return True


def holds_evidence(q: Question, passage: str) -> bool:
    """A passage supports the answer if it contains one of the evidence strings."""
    have = squash(passage)
    return any(squash(e) in have for e in q.evidence_contains)


@dataclass
class Result:
    """How one question went."""

    q: Question
    answer: Answer
    rank: int | None  # 1-based rank of the first retrieved passage holding the evidence
    correct: bool
    cited_evidence: bool  # some citation's passage holds the evidence
    cited_page_right: bool | None  # some citation names the expected pdf page (None: no page expected)
    on_page: list[bool] = field(default_factory=list)  # each citation's quote (and row header) found on its page, re-read


def evidence_rank(q: Question, passages: list[str]) -> int | None:
    """1-based rank of the first passage holding the evidence, or None."""
    if not q.evidence_contains:
        return None
    for i, text in enumerate(passages, 1):
        if holds_evidence(q, text):
            return i
    return None


def score_one(q: Question, a: Answer, ranked: list[str] | None = None, page_text=None) -> Result:
    """Score one answer; `ranked` (passage texts, best first) measures retrieval deeper than the answer's hits.
    `page_text(paper_id, page_index)`: the stored text of a page, to check each citation on it afresh (not
    trusting the answerer's own `verified` flag); without it no citation counts as on its page."""
    if ranked is None:
        ranked = [f"{h.chunk.header()}\n{h.chunk.text}" for h in a.hits]
    rank = evidence_rank(q, ranked)
    by_id = {h.chunk.id: h.chunk for h in a.hits}
    cited = [by_id[c.chunk_id] for c in a.citations if c.chunk_id in by_id]
    cited_evidence = any(holds_evidence(q, f"{c.header()}\n{c.text}") for c in cited)
    page_right = None
    if q.page is not None and q.answerable:
        page_right = any(c.pdf_page == q.page for c in a.citations)
    if q.answerable:
        correct = not a.abstained and answer_correct(q, a.text)
    else:
        correct = a.abstained
    pages = [page_text(c.paper_id, c.page_index) if page_text else None for c in a.citations]
    standing = [on_page(p, c.text) and (not c.header or on_page(p, c.header)) for p, c in zip(pages, a.citations)]
    return Result(q, a, rank, correct, cited_evidence, page_right, standing)


def summarise(results: list[Result]) -> dict:
    """Headline metrics over a set of results."""
    answerable = [r for r in results if r.q.answerable]
    unanswerable = [r for r in results if not r.q.answerable]
    cited = [r for r in answerable if r.answer.citations]
    paged = [r for r in answerable if r.cited_page_right is not None and r.answer.citations]
    lat = sorted(r.answer.latency_s for r in results) or [0.0]

    def frac(xs, pred):
        return round(sum(1 for x in xs if pred(x)) / len(xs), 4) if xs else None

    return {
        "questions": len(results),
        "recall@1": frac(answerable, lambda r: r.rank is not None and r.rank <= 1),
        "recall@5": frac(answerable, lambda r: r.rank is not None and r.rank <= 5),
        "recall@10": frac(answerable, lambda r: r.rank is not None and r.rank <= 10),
        "mrr": round(statistics.fmean([1 / r.rank if r.rank else 0.0 for r in answerable]), 4) if answerable else None,
        "answer_correct": frac(answerable, lambda r: r.correct),
        "citation_precision": frac(cited, lambda r: r.cited_evidence),
        "cited_page_accuracy": frac(paged, lambda r: r.cited_page_right),
        "citation_validity": frac([ok for r in results for ok in r.on_page], bool),
        "abstention_accuracy": frac(unanswerable, lambda r: r.correct),
        "false_abstention_rate": frac(answerable, lambda r: r.answer.abstained),
        "latency_p50_s": round(lat[len(lat) // 2], 3),
        "latency_p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 3),
        "generative_answers": sum(1 for r in results if r.answer.mode == "generative"),
        "fallbacks": sum(1 for r in results if r.answer.mode == "extractive-fallback"),
        "sentences_removed": sum(len(r.answer.removed) for r in results),
    }


def retrieval_summary(questions: list[Question], ranks: list[int | None], latencies: list[float]) -> dict:
    """recall@1/5/10, MRR and latency for a retriever (answerable questions only)."""
    pairs = [(q, r) for q, r in zip(questions, ranks) if q.answerable]
    lat = sorted(latencies) or [0.0]

    def recall(k):
        return round(sum(1 for _, r in pairs if r is not None and r <= k) / len(pairs), 4) if pairs else None

    return {
        "recall@1": recall(1),
        "recall@5": recall(5),
        "recall@10": recall(10),
        "mrr": round(statistics.fmean([1 / r if r else 0.0 for _, r in pairs]), 4) if pairs else None,
        "latency_p50_s": round(lat[len(lat) // 2], 3),
        "latency_p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 3),
    }


def retrieval_groups(questions: list[Question], ranks: list[int | None]) -> dict[str, dict]:
    """recall@1/5/10 and MRR per council (the first folder of the question's source) and per tag."""
    groups: dict[str, list[int]] = {}
    for n, q in enumerate(questions):
        if not q.answerable:
            continue
        keys = [f"council:{(q.source or '').split('/')[0]}"] if q.source else []
        for key in keys + [f"tag:{t}" for t in q.tags]:
            groups.setdefault(key, []).append(n)
    out = {}
    for key, idx in sorted(groups.items()):
        m = retrieval_summary([questions[i] for i in idx], [ranks[i] for i in idx], [])
        out[key] = {"questions": len(idx), **{k: m[k] for k in ("recall@1", "recall@5", "recall@10", "mrr")}}
    return out


def by_tag(results: list[Result]) -> dict[str, dict]:
    """The headline metrics for each tag."""
    tags = sorted({t for r in results for t in r.q.tags})
    return {t: summarise([r for r in results if t in r.q.tags]) for t in tags}


# Higher is better for every gated metric except these.
LOWER_IS_BETTER = {"false_abstention_rate", "latency_p50_s", "latency_p95_s"}
GATED = ["recall@1", "recall@5", "mrr", "answer_correct", "citation_precision", "citation_validity", "abstention_accuracy", "false_abstention_rate"]


def check_against_baseline(summary: dict, baseline: dict) -> list[str]:
    """Failures: a metric under its floor, or worse than the baseline by more than its tolerance.

    baseline.json: {"metrics": {name: value}, "floors": {name: value}, "tolerance": 0.05}
    """
    failures = []
    tolerance = float(baseline.get("tolerance", 0.05))
    for name in GATED:
        value = summary.get(name)
        if value is None:
            continue
        floor = baseline.get("floors", {}).get(name)
        base = baseline.get("metrics", {}).get(name)
        if name in LOWER_IS_BETTER:
            if floor is not None and value > floor:
                failures.append(f"{name} = {value} is above its ceiling {floor}")
            if base is not None and value > base + tolerance:
                failures.append(f"{name} = {value} is worse than the baseline {base} (tolerance {tolerance})")
        else:
            if floor is not None and value < floor:
                failures.append(f"{name} = {value} is below its floor {floor}")
            if base is not None and value < base - tolerance:
                failures.append(f"{name} = {value} dropped from the baseline {base} (tolerance {tolerance})")
    return failures


def report_markdown(summary: dict, tags: dict[str, dict], results: list[Result]) -> str:
    """A Markdown report: metrics, metrics by tag, and each failing question with what went wrong."""
    lines = ["# Eval report", "", "| metric | value |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in summary.items()]
    cols = ["questions", "recall@5", "answer_correct", "citation_precision", "abstention_accuracy"]
    lines += ["", "## By tag", "", "| tag | " + " | ".join(cols) + " |", "|" + " --- |" * (len(cols) + 1)]
    lines += [f"| {t} | " + " | ".join(str(m.get(c)) for c in cols) + " |" for t, m in tags.items()]
    lines += ["", "## Failing questions", ""]
    for r in results:
        if r.correct:
            continue
        q, a = r.q, r.answer
        lines.append(f"### {q.id}: {q.question}")
        expected = "abstain (not in the papers)" if not q.answerable else f"answer containing {q.answer_contains}"
        lines.append(f"- expected: {expected}; evidence {q.evidence_contains} on {q.source} page {q.page}")
        lines.append(f"- evidence rank in retrieved: {r.rank}")
        lines.append(f"- answered: {a.text[:500]}")
        for c in a.citations:
            lines.append(f"  - [{c.n}] {c.source} page {c.page} (PDF {c.pdf_page}), item {c.item}: \"{c.text[:200]}\"")
        lines.append("")
    return "\n".join(lines)


def _surname(name: str | None) -> str:
    return (name or "").replace(",", " ").split()[-1].lower() if name and name.split() else ""


def register_labels(path: Path) -> list[dict]:
    """Hand-labelled decisions and commitments (eval/decisions.jsonl)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _match_level(label: dict, rec) -> int | None:
    """How well an extracted record matches a label (lower is better), or None: 0 the label's text on the same
    page, 1 the text elsewhere in the paper, 2 the same mover and seconder, 3 the same vote outcome on the page."""
    if rec.source != label["source"] or rec.record.type != label["type"]:
        return None
    want, have = squash(label["text_contains"]), squash(rec.record.text)
    if want in have or (len(have) > 20 and have in want):
        return 0 if rec.record.pdf_page == label.get("pdf_page") else 1
    if label.get("mover") and _surname(rec.record.mover) == _surname(label["mover"]) and _surname(rec.record.seconder) == _surname(label.get("seconder")):
        return 2
    kind = label.get("kind") or ""
    if kind and kind.split()[0] in {"amendment", "recommendation"} and rec.record.kind == kind and rec.record.pdf_page == label.get("pdf_page"):
        return 3
    return None


def score_register(records: list, labels: list[dict]) -> dict:
    """Precision and recall of extracted decisions and commitments against hand labels, per type.

    Precision counts only records from the labelled papers and meetings; each label matches one record.
    """
    out: dict = {}
    for type_ in ("decision", "commitment"):
        wanted = [lab for lab in labels if lab["type"] == type_]
        scope = {(lab["source"], lab.get("meeting_date")) for lab in labels}
        got = [
            r for r in records
            if r.record.type == type_ and (r.source, r.record.meeting_date.isoformat() if r.record.meeting_date else None) in scope
        ]
        used: set[int] = set()
        found, misses, kind_right, votes_right, votes_total = 0, [], 0, 0, 0
        # each label takes its best-matching free record; better matches are assigned first
        hits: dict[int, int] = {}
        for level in range(4):
            for n, lab in enumerate(wanted):
                if n in hits:
                    continue
                hit = next((i for i, r in enumerate(got) if i not in used and _match_level(lab, r) == level), None)
                if hit is not None:
                    hits[n] = hit
                    used.add(hit)
        for n, lab in enumerate(wanted):
            hit = hits.get(n)
            if hit is None:
                misses.append(lab)
                continue
            found += 1
            rec = got[hit].record
            kind_right += type_ == "commitment" or rec.kind == lab.get("kind")
            if lab.get("votes"):
                votes_total += 1
                votes_right += rec.votes == lab["votes"] and _surname(rec.mover) == _surname(lab.get("mover"))
        extra = [r for i, r in enumerate(got) if i not in used]
        out[type_] = {
            "labelled": len(wanted),
            "extracted": len(got),
            "recall": round(found / len(wanted), 4) if wanted else None,
            "precision": round(len(used) / len(got), 4) if got else None,
            "kind_accuracy": round(kind_right / found, 4) if found and type_ == "decision" else None,
            "votes_and_mover_right": f"{votes_right}/{votes_total}" if type_ == "decision" else None,
            "misses": [{"id": m["id"], "kind": m.get("kind"), "text": m["text_contains"]} for m in misses],
            "unmatched_extracted": [{"source": r.source, "pdf_page": r.record.pdf_page, "kind": r.record.kind, "text": r.record.text[:160]} for r in extra],
        }
    return out
