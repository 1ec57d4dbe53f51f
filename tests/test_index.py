"""Chunking and indexing: structure, page spans, idempotent re-indexing, replacement, pruning, bad input."""

import shutil
from datetime import date

import pytest

from index.build import build_index
from index.chunk import chunk_pages
from index.parse import parse_paper
from index.store import IndexStore
from index.text import squash
from index.types import DocType, PaperMeta
from qa.config import load_settings

from .conftest import FIXTURES, SAMPLE_PAPERS


def _store():
    return IndexStore(load_settings().store_config())


def _options():
    return load_settings().index.to_options()


def test_pack_chunks_follow_items_and_carry_the_previous_meetings_date():
    pages = parse_paper(FIXTURES / "papers" / "testshire-transport-2025-10-28-pack.pdf")
    meta = PaperMeta(council="Testshire County Council", meeting_date=date(2025, 10, 28), doc_type=DocType.AGENDA)
    chunks = chunk_pages("p1", "pack.pdf", meta, pages)
    bus = [c for c in chunks if c.item == "42"]
    assert bus and all(c.meeting_date == date(2025, 9, 23) for c in bus)
    assert all(c.doc_type == DocType.MINUTES for c in bus)
    assert bus[0].item_title == "BUS SERVICES UPDATE"
    agenda = [c for c in chunks if c.item == "3"]
    assert agenda and agenda[0].meeting_date == date(2025, 10, 28)
    review = [c for c in chunks if "orbital route" in c.text]
    assert review[0].meeting_date == date(2025, 10, 28) and review[0].heading.startswith("Appendix B")


def test_every_chunk_span_stands_on_its_page():
    pages = parse_paper(SAMPLE_PAPERS / "leicester" / "leicester-cype-2025-10-28-agenda-pack.pdf")
    chunks = chunk_pages("p", "pack.pdf", PaperMeta(), pages)
    assert len(chunks) > 100
    crossing = 0
    for c in chunks:
        crossing += len(c.spans) > 1
        for span in c.spans:
            part = c.text[span.start : span.end]
            assert squash(part) in squash(pages[span.page_index].text), (c.id, span)
            assert pages[span.page_index].pdf_page == span.pdf_page
    assert crossing > 0  # some chunks do run over a page break, and know it


def test_chunks_stay_under_the_embedding_models_reach():
    pages = parse_paper(SAMPLE_PAPERS / "leicester" / "leicester-cype-2025-10-28-minutes.html")
    chunks = chunk_pages("p", "m.html", PaperMeta(), pages)
    assert max(len(c.text.split()) for c in chunks) <= 170
    assert {c.item for c in chunks} >= {"176", "185", "187"}


def test_minutes_in_the_leicester_pack_are_dated_23_september():
    pages = parse_paper(SAMPLE_PAPERS / "leicester" / "leicester-cype-2025-10-28-agenda-pack.pdf")
    chunks = chunk_pages("p", "pack.pdf", PaperMeta(meeting_date=date(2025, 10, 28), doc_type=DocType.AGENDA), pages)
    send = [c for c in chunks if c.item == "173"]
    assert send and {c.meeting_date for c in send} == {date(2025, 9, 23)}
    assert any("AGREED:\nThat the report is noted." in c.text for c in send)
    appendix_b = [c for c in chunks if c.heading.startswith("Appendix B")]
    assert appendix_b and {c.meeting_date for c in appendix_b} == {date(2025, 10, 28)}


def test_reindexing_unchanged_papers_embeds_nothing(papers):
    store = _store()
    first = build_index([papers], store, _options())
    assert len(first.added) == 3 and first.chunks_embedded > 0
    count = store.collection.count()
    second = build_index([papers], store, _options())
    assert second.added == [] and second.chunks_embedded == 0 and len(second.unchanged) == 3
    assert store.collection.count() == count


def test_changed_paper_replaces_its_old_chunks(papers):
    store = _store()
    build_index([papers], store, _options())
    md = papers / "testshire-council-2025-11-03-minutes.md"
    md.write_text(md.read_text().replace("45 euro", "50 euro"), encoding="utf-8")
    report = build_index([papers], store, _options())
    assert report.updated == ["testshire-council-2025-11-03-minutes.md"]
    texts = " ".join(c.text for c in store.all_chunks())
    assert "50 euro" in texts and "45 euro" not in texts
    assert store.orphan_paper_ids() == set()
    assert len(store.papers()) == 3


def test_prune_removes_deleted_papers(papers):
    store = _store()
    build_index([papers], store, _options())
    (papers / "testshire-council-2025-11-03-minutes.md").unlink()
    kept = build_index([papers], store, _options())
    assert kept.removed == [] and len(store.papers()) == 3  # without --prune nothing is forgotten
    report = build_index([papers], store, _options(), prune=True)
    assert report.removed == ["testshire-council-2025-11-03-minutes.md"]
    assert {p.source for p in store.papers()} == {
        "testshire-transport-2025-10-28-pack.pdf",
        "testshire-transport-2025-10-28-minutes.html",
    }
    assert all(c.source != "testshire-council-2025-11-03-minutes.md" for c in store.all_chunks())


def test_duplicate_upload_is_recognised_not_indexed_twice(papers):
    store = _store()
    shutil.copy(papers / "testshire-transport-2025-10-28-pack.pdf", papers / "copy-of-pack.pdf")
    report = build_index([papers], store, _options())
    assert report.duplicates == [("testshire-transport-2025-10-28-pack.pdf", "copy-of-pack.pdf")] or report.duplicates == [
        ("copy-of-pack.pdf", "testshire-transport-2025-10-28-pack.pdf")
    ]
    assert len(store.papers()) == 3


def test_bad_files_are_reported_and_the_rest_indexed(papers):
    for bad in (FIXTURES / "bad").iterdir():
        shutil.copy(bad, papers / bad.name)
    store = _store()
    report = build_index([papers], store, _options())
    reasons = {s.source: s.reason for s in report.skipped}
    assert set(reasons) == {"corrupt.pdf", "encrypted.pdf", "scanned.pdf", "empty.txt", "latin1.txt", "notes.docx"}
    assert "no text layer" in reasons["scanned.pdf"] and "not UTF-8" in reasons["latin1.txt"]
    assert len(report.added) == 3 and len(store.papers()) == 3
    assert store.orphan_paper_ids() == set()


def test_a_link_loop_or_broken_link_is_reported_with_its_reason_and_the_rest_indexed(papers):
    (papers / "loop-a.pdf").symlink_to(papers / "loop-b.pdf")
    (papers / "loop-b.pdf").symlink_to(papers / "loop-a.pdf")
    (papers / "gone.pdf").symlink_to(papers / "deleted-long-ago.pdf")
    (papers / "up").symlink_to(papers, target_is_directory=True)  # a folder link is not followed: no loop, no copy
    store = _store()
    report = build_index([papers], store, _options())
    reasons = {s.source: s.reason for s in report.skipped}
    assert set(reasons) == {"loop-a.pdf", "loop-b.pdf", "gone.pdf"}
    assert "symbolic links" in reasons["loop-a.pdf"] and "No such file" in reasons["gone.pdf"]
    assert all(r.startswith("cannot read file: ") for r in reasons.values())
    assert len(report.added) == 3 and len(store.papers()) == 3 and not report.duplicates


def test_a_crash_mid_index_leaves_no_half_paper(papers, monkeypatch):
    store = _store()
    calls = {"n": 0}
    real_commit = IndexStore.commit_paper

    def crash_on_second(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("power cut")
        return real_commit(self, *args, **kwargs)

    monkeypatch.setattr(IndexStore, "commit_paper", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        build_index([papers], store, _options())
    assert len(store.papers()) == 1
    assert len(store.orphan_paper_ids()) == 1  # the interrupted paper's chunks are not served...
    assert {c.paper_id for c in store.all_chunks()} == store.paper_ids()
    monkeypatch.setattr(IndexStore, "commit_paper", real_commit)
    report = build_index([papers], store, _options())  # ...and the next run cleans up and finishes
    assert len(report.added) == 2 and len(report.unchanged) == 1
    assert store.orphan_paper_ids() == set()


def test_manifest_metadata_wins_over_guesses(papers):
    (papers / "SOURCES.tsv").write_text(
        "filename\tcouncil\tcommittee\tmeeting_date\tdocument_type\n"
        "testshire-council-2025-11-03-minutes.md\tTestshire County Council (test)\tFull Council\t2025-11-17\tminutes (of a previous meeting)\n",
        encoding="utf-8",
    )
    store = _store()
    build_index([papers], store, _options())
    md = next(p for p in store.papers() if p.source.endswith(".md"))
    assert md.meta.council == "Testshire County Council" and md.meta.committee == "Full Council"
    assert md.meta.meeting_date == date(2025, 11, 3)  # minutes keep their own date, not the adopting meeting's
    assert md.meta.doc_type == DocType.MINUTES


def test_index_built_with_another_model_is_refused(papers):
    from index.errors import CouncilQAError

    store = _store()
    build_index([papers], store, _options())
    other = _options()
    other.embed_model = "all-MiniLM-L6-v2"
    with pytest.raises(CouncilQAError, match="built with embedding model hash"):
        build_index([papers], store, other)


def _long_text(paragraphs: int) -> str:
    return "".join(f"Paragraph {i}: the cabinet noted the report on buses, schools, housing and parks.\n\n" for i in range(paragraphs))


def test_a_50_mb_text_file_is_refused_with_its_reason_and_the_rest_of_the_batch_indexed(papers):
    big = papers / "aaa-huge-dump.txt"  # first in the batch: the papers after it must still be reached
    line = _long_text(1000)
    with open(big, "w", encoding="utf-8") as f:
        while f.tell() < 50_000_000:
            f.write(line)
    store = _store()
    report = build_index([papers], store, _options())
    assert len(report.added) == 3
    [skipped] = report.skipped
    assert skipped.source == big.name
    assert skipped.reason.startswith("too long to index: ") and "over the limit of 5,000 (index.max_paper_chunks)" in skipped.reason
    assert store.orphan_paper_ids() == set()  # nothing of it was embedded


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(papers, monkeypatch):
    monkeypatch.setenv("QA_INDEX__MAX_PAPER_MB", "0.001")
    (papers / "big.txt").write_text(_long_text(100), encoding="utf-8")  # about 8 kB
    report = build_index([papers], _store(), load_settings().index.to_options())
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons["big.txt"].startswith("too large to index:") and "index.max_paper_mb" in reasons["big.txt"]


def test_a_paper_past_its_time_budget_is_given_up_and_nothing_of_it_kept(papers, monkeypatch):
    from index import build, embed

    clock = {"now": 0.0}
    real_load = embed.load_embedder

    class SlowEmbedder:  # each batch "takes" 500 s on a fake clock
        def __init__(self, inner):
            self.inner = inner

        def get_text_embedding_batch(self, texts):
            clock["now"] += 500.0
            return self.inner.get_text_embedding_batch(texts)

    monkeypatch.setattr(build.time, "monotonic", lambda: clock["now"])
    monkeypatch.setattr(embed, "load_embedder", lambda *a: SlowEmbedder(real_load(*a)))  # build loads it from there
    (papers / "long.txt").write_text(_long_text(6000), encoding="utf-8")  # about 600 chunks: three slices
    store = _store()
    events = []
    report = build_index([papers], store, _options(), progress=lambda e, s, d, t: events.append((e, s, d, t)))
    reasons = {s.source: s.reason for s in report.skipped}
    assert reasons["long.txt"].startswith("not indexed: still embedding after ") and "(900 s, index.paper_budget_s)" in reasons["long.txt"]
    assert len(report.added) == 3  # the small papers fit their budgets
    assert store.orphan_paper_ids() == set()  # the slices it stored were removed
    inside = [(done, of) for event, source, done, of in events if event == "embedding" and source == "long.txt"]
    assert [done for done, _ in inside] == [256, 512] and inside[0][1] > 512  # progress within the paper, then given up


def test_bfloat16_and_float32_embeddings_agree():
    import numpy as np

    from index.embed import load_embedder, resolve_dtype

    texts = ["The SEND transport budget was on track to save £900,000.", "AGREED: That the report is noted.", "Page 2"]
    f32 = np.array(load_embedder("all-MiniLM-L6-v2", 32, "float32").get_text_embedding_batch(texts))
    b16 = np.array(load_embedder("all-MiniLM-L6-v2", 32, "bfloat16").get_text_embedding_batch(texts), dtype=float)
    cosine = (f32 * b16).sum(1) / np.linalg.norm(f32, axis=1) / np.linalg.norm(b16, axis=1)
    assert cosine.min() > 0.999  # an index built in one precision is searched in the other
    assert resolve_dtype("auto") in {"float32", "bfloat16"} and resolve_dtype("float32") == "float32"


def test_the_onnx_export_embeds_as_torch_does_and_is_written_whole(tmp_path):
    """Questions are embedded by the ONNX export (no torch); its vectors must be the index's own: the same as torch
    fp32, to within float rounding, with sentence-transformers' truncation at 256 word-pieces."""
    import numpy as np

    from index.embed import OnnxEmbedding, export_onnx, load_embedder, load_question_embedder, onnx_file

    model = export_onnx("all-MiniLM-L6-v2", tmp_path)
    assert model == onnx_file("all-MiniLM-L6-v2", tmp_path) and model.exists()
    assert [p.name for p in model.parent.iterdir()] == [model.name]  # no partial file left beside it
    assert export_onnx("hash", tmp_path) is None
    onnx = load_question_embedder("all-MiniLM-L6-v2", tmp_path)
    assert isinstance(onnx, OnnxEmbedding)
    texts = ["The SEND transport budget was on track to save £900,000.", "AGREED: That the report is noted.", "Page 2",
             "word " * 600]
    f32 = np.array(load_embedder("all-MiniLM-L6-v2", 32, "float32").get_text_embedding_batch(texts))
    ours = np.array(onnx.get_text_embedding_batch(texts))
    assert ours.shape == f32.shape and ((f32 * ours).sum(1)).min() > 0.99999
    query = "What was agreed on SEND transport?"
    assert float(np.dot(onnx.get_query_embedding(query), load_embedder("all-MiniLM-L6-v2").get_query_embedding(query))) > 0.99999
    assert not isinstance(load_question_embedder("all-MiniLM-L6-v2", tmp_path / "none"), OnnxEmbedding)  # no export: torch


def test_a_text_paper_headed_minutes_is_read_as_minutes_and_its_resolutions_registered(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "stadium.md").write_text(
        "# Testshire County Council\n\nMinutes of the Cabinet held on 3 November 2025\n\n12. STADIUM FUNDING REQUEST\n\n"
        "RESOLVED: That the request for stadium funding is refused.\n",
        encoding="utf-8",
    )
    (folder / "agenda.md").write_text("# Testshire County Council\n\nAgenda\n\n1. Minutes of the previous meeting\n\n2. Parks\n", encoding="utf-8")
    store = _store()
    build_index([folder], store, _options())
    kinds = {p.source: p.meta.doc_type for p in store.papers()}
    assert kinds["stadium.md"] == DocType.MINUTES and kinds["agenda.md"] != DocType.MINUTES
    assert [r.record.text for r in store.records("decision")] == ["RESOLVED: That the request for stadium funding is refused."]


def test_what_readers_derive_is_saved_per_generation_and_a_bad_file_rebuilt(papers):
    """IndexStore.cached: built once per generation and loaded by the next store object (another process); a change
    to the index rebuilds it; a truncated file is rebuilt, not trusted."""
    store = IndexStore(load_settings().store_config(), create=True)
    calls = []

    def build():
        calls.append(store.generation())
        return {"generation": store.generation()}

    assert store.cached("probe", build) == {"generation": store.generation()} and len(calls) == 1
    again = IndexStore(load_settings().store_config())
    assert again.cached("probe", build) == {"generation": store.generation()} and len(calls) == 1  # loaded
    build_index([papers], store, _options())  # a change: the saved result is stale
    assert again.cached("probe", build) == {"generation": store.generation()} and len(calls) == 2
    (saved,) = (load_settings().data_dir / "cache").glob("probe-*.pickle")
    older = saved.with_name("probe-0123456789ab.pickle")  # what an earlier version of the code saved
    older.write_bytes(b"old")
    saved.write_bytes(saved.read_bytes()[:10])
    assert again.cached("probe", build) == {"generation": store.generation()} and len(calls) == 3
    assert not [p.name for p in saved.parent.iterdir() if p.name.startswith(".")]  # no partial file left
    assert saved.exists() and not older.exists()  # saving removed what no code of this version reads


def test_text_vectors_are_kept_once_and_seen_by_another_process(tmp_path):
    """TextVectors: what one store object saves, another (a second process) reads; `missing` names the rest once."""
    import numpy as np

    from index.store import TextVectors

    first = TextVectors(tmp_path / "cache" / "vectors-m.sqlite")
    v = np.arange(4, dtype=np.float32)
    first.put_many({"The budget was agreed.": v, "Noted.": v + 1})
    second = TextVectors(tmp_path / "cache" / "vectors-m.sqlite")
    got = second.get_many(["Noted.", "Unknown sentence."])
    assert list(got) == ["Noted."] and np.array_equal(got["Noted."], v + 1)
    assert second.missing(["Unknown sentence.", "The budget was agreed.", "Unknown sentence."]) == ["Unknown sentence."]
    assert len(second) == 2


def test_a_second_process_loads_the_sections_and_bm25_the_writer_saved(assistant, papers, monkeypatch):
    """After `index`, the sections and BM25 are on disk: a new Assistant answers without rebuilding them, and an
    index change is seen at once."""
    import qa.retrieve as retrieve
    from qa.assistant import Assistant

    first = assistant.retrieve("What was agreed about the SEND transport budget?")
    built = []
    real = retrieve.build_corpus
    monkeypatch.setattr(retrieve, "build_corpus", lambda *a: built.append(1) or real(*a))
    fresh = Assistant(load_settings())
    assert [h.chunk.id for h in fresh.retrieve("What was agreed about the SEND transport budget?")] == [h.chunk.id for h in first]
    assert built == []
    (papers / "note.txt").write_text("Testshire orbital lighthouse review agreed.\n")
    fresh.index([papers])
    assert built == [1] and fresh.retrieve("orbital lighthouse")[0].chunk.source.endswith("note.txt")
