"""Processes the concurrency tests run beside each other: `python -m tests._workers reader|writer ...`.

reader DATA_DIR STOP_FILE OUT: asks questions until STOP_FILE exists; one JSON line per answer in OUT.
writer DATA_DIR PATH...: indexes PATHs, printing each progress event on its own line, and a line just before
each write to Chroma or the catalog, so a test can kill it in any phase of a paper.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

QUESTIONS = [
    "What was agreed on SEND transport?",
    "When is the bus services update due?",
    "Who moved the amendment?",
    "What did the council decide about the stadium?",
]


def reader(data_dir: Path, stop: Path, out: Path) -> None:
    from index.errors import CouncilQAError
    from qa.assistant import Assistant
    from qa.cite import quote_on_page
    from qa.config import load_settings

    assistant = Assistant(load_settings(data_dir=data_dir))
    n = 0
    with open(out, "a", encoding="utf-8") as f:
        while not stop.exists():
            question = QUESTIONS[n % len(QUESTIONS)]
            n += 1
            try:
                a = assistant.ask(question)
            except CouncilQAError as exc:  # an index still empty is an answer too; anything else is a failure
                row = {"question": question, "error": str(exc), "expected": "empty" in str(exc)}
            else:
                pages_hold = [quote_on_page(assistant.store, c.paper_id, c.page_index, c.text) for c in a.citations]
                row = {
                    "question": question,
                    "abstained": a.abstained,
                    "citations": len(a.citations),
                    "verified": all(c.verified for c in a.citations),
                    "on_page": all(pages_hold),
                }
            f.write(json.dumps(row) + "\n")
            f.flush()


def writer(data_dir: Path, paths: list[Path]) -> None:
    from index.store import IndexStore
    from qa.assistant import Assistant
    from qa.config import load_settings

    for name in ("add_chunks", "add_record_embeddings", "commit_paper", "delete_paper_chunks"):
        method = getattr(IndexStore, name)

        def announced(self, *args, _method=method, _name=name, **kwargs):
            print("writing", _name, flush=True)
            return _method(self, *args, **kwargs)

        setattr(IndexStore, name, announced)
    assistant = Assistant(load_settings(data_dir=data_dir), create=True)

    def progress(event: str, source: str, done: int, total: int) -> None:
        print(event, source, flush=True)

    report = assistant.index(paths, progress=progress)
    print("done", len(report.added), len(report.skipped), flush=True)


if __name__ == "__main__":
    role, data = sys.argv[1], Path(sys.argv[2])
    if role == "reader":
        reader(data, Path(sys.argv[3]), Path(sys.argv[4]))
    else:
        writer(data, [Path(p) for p in sys.argv[3:]])
