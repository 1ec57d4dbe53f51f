"""Pages without a text layer, read by Tesseract: indexed, answered from with a citation marked as OCR text and
verified against it, highlighted from OCR's word boxes. Skipped where Tesseract is missing, except under CI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from index import ocr
from index.errors import ParseError
from index.parse import parse_paper
from qa import render
from qa.assistant import Assistant
from qa.config import load_settings
from qa.pages import ocr_boxes, render_page

from .conftest import SAMPLE_PAPERS

PACK = SAMPLE_PAPERS / "leicester" / "leicester-cype-2025-10-28-agenda-pack.pdf"

TSV = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" + "\n".join(
    "\t".join(map(str, row)) for row in [
        (5, 1, 1, 1, 1, 1, 100, 50, 60, 20, 96, "The"), (5, 1, 1, 1, 1, 2, 170, 50, 80, 20, 95, "total"),
        (5, 1, 1, 1, 2, 1, 100, 80, 70, 20, 91, "budget"), (5, 1, 1, 1, 2, 2, 180, 80, 90, 20, 90, "£119.3m."),
        (4, 1, 1, 1, 3, 0, 0, 0, 0, 0, -1, ""),
    ]
)


def scanned(tmp_path: Path, pdf_page: int = 6) -> Path:
    """A real paper's page as an image-only PDF, as a scanner makes it (200 dpi, no text layer)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(PACK))
    image = doc[pdf_page - 1].render(scale=200 / 72).to_pil().convert("L")
    doc.close()
    out = tmp_path / "papers" / "leicester-cype-2025-10-28-scanned-minutes.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, "PDF", resolution=200.0)
    return out


def test_tesseract_words_become_lines_and_boxes_in_pdf_points():
    page = ocr.from_tsv(TSV, 72 / 300)
    assert page.text == "The total\nbudget £119.3m."
    assert page.words[0].text == "The" and page.words[0].box == pytest.approx((24.0, 12.0, 38.4, 16.8))
    words = [[w.text, *w.box] for w in page.words]
    lines = ocr_boxes(words, "total budget £119.3m.")
    assert len(lines) == 2 and lines[0][0] == pytest.approx(170 * 72 / 300)  # one box a line, from "total"
    assert ocr_boxes(words, "not on the page") == []


def test_without_tesseract_a_scan_is_refused_with_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    with pytest.raises(ParseError, match=r"no text layer on any of its 1 pages .*install Tesseract to read it \(apt-get install tesseract-ocr"):
        parse_paper(scanned(tmp_path), ocr=True)


@pytest.mark.skipif(not ocr.available() and not os.environ.get("CI"), reason="no tesseract (apt-get install tesseract-ocr tesseract-ocr-eng)")
def test_a_scanned_paper_is_answered_from_with_a_verified_citation_marked_as_ocr_and_highlighted(tmp_path):
    assert shutil.which("tesseract"), "CI must have Tesseract (scripts/install.sh installs it as root)"
    paper = scanned(tmp_path)
    a = Assistant(load_settings(data_dir=tmp_path / "index"), create=True)
    report = a.index([paper.parent])
    assert report.ok and report.ocr_read == [(paper.name, ["2"])]  # the scan's own "Page 2" footer, read by OCR
    assert "page 2 had no text layer; read by OCR" in render.report_text(report)
    page = a.store.pages(a.store.papers()[0].id)[0]
    assert page.ocr and "The total budget was £119.3m" in page.text and len(page.words) > 500

    answer = a.ask("What was the total Education and Children's Social Care budget?")
    assert not answer.abstained and "£119.3m" in answer.text
    cited = next(c for c in answer.citations if "£119.3m" in c.text)
    assert cited.verified and cited.ocr and cited.text in page.text.replace("\n", " ")
    assert "page 2 (PDF page 1), text read by OCR" in render.answer_text(answer)
    assert render.citation_dict(cited)["ocr"] is True
    assert "text read by OCR" in render.source_label(cited)

    words = a.ocr_words(cited.paper_id, 1)
    boxes = ocr_boxes(words, cited.text)
    assert 1 <= len(boxes) <= 2  # the sentence's line(s)
    plain = render_page(paper, 1, None)
    marked = render_page(paper, 1, [cited.text], words=words)
    import numpy as np

    ys = np.nonzero((np.asarray(plain) != np.asarray(marked)).any(axis=2))[0]
    assert ys.size, "the quote is highlighted on the scan"
    assert ys.min() >= boxes[0][1] * 1.4 - 3 and ys.max() <= boxes[-1][3] * 1.4 + 3  # where OCR read it, nowhere else


SCANS = Path(__file__).parent / "fixtures" / "scanned"
needs_tesseract = pytest.mark.skipif(not ocr.available() and not os.environ.get("CI"), reason="no tesseract")


@needs_tesseract
def test_the_scanned_letter_is_answered_from_and_its_preview_highlights_the_quote(tmp_path):
    from qa.ui import Session, citation_record, show_source

    a = Assistant(load_settings(data_dir=tmp_path / "index"), create=True)
    report = a.index([SCANS / "testshire-highways-2026-02-10-letter-scan.pdf"])
    assert report.ok and report.ocr_read == [("testshire-highways-2026-02-10-letter-scan.pdf", ["1"])]
    answer = a.ask("By when will the council resurface Mill Lane?")
    assert not answer.abstained and "31 March 2026" in answer.text
    cited = next(c for c in answer.citations if "31 March 2026" in c.text)
    assert cited.ocr and cited.verified and cited.pdf_page == 1

    session = Session(citations=citation_record(answer))
    image, note = show_source(a, session.citations[0]["label"], session)
    assert image is not None and "Open the PDF at page 1" in note and "text read by OCR" in note
    import numpy as np

    plain = np.asarray(render_page(a.paper_path(cited.paper_id), 1, None))
    assert (np.asarray(image) != plain).any(axis=2).sum() > 500  # the quote's lines are marked on the scan
    image.save(tmp_path / "scanned-letter-preview.png")


def test_a_page_without_text_in_a_readable_paper_is_listed_with_how_to_read_it_and_the_rest_indexed(tmp_path, monkeypatch):
    import index.build

    monkeypatch.setattr(ocr, "available", lambda: False)
    monkeypatch.setattr(index.build, "ocr_available", lambda: False)
    a = Assistant(load_settings(data_dir=tmp_path / "index"), create=True)
    report = a.index([SCANS / "testshire-highways-2026-02-10-gritting-report.pdf"])
    assert report.ok and report.needs_ocr == [("testshire-highways-2026-02-10-gritting-report.pdf", ["2"])]
    assert "page 2 has no text layer (indexed without it); to read such pages, install Tesseract (apt-get install tesseract-ocr" in render.report_text(report)
    answer = a.ask("How many miles of road did the council grit this winter?")
    assert not answer.abstained and "412 miles" in answer.text and not answer.citations[0].ocr


@needs_tesseract
def test_with_tesseract_the_scanned_appendix_page_is_read_and_cited_as_ocr(tmp_path):
    a = Assistant(load_settings(data_dir=tmp_path / "index"), create=True)
    report = a.index([SCANS / "testshire-highways-2026-02-10-gritting-report.pdf"])
    assert report.ok and not report.needs_ocr and report.ocr_read == [("testshire-highways-2026-02-10-gritting-report.pdf", ["2"])]
    answer = a.ask("How much salt did the barn at Testford hold in December 2025?")
    cited = next(c for c in answer.citations if "3,200 tonnes" in c.text)
    assert cited.ocr and cited.page == "2"
