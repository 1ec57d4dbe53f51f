"""Exempt (Part B, "not for publication") items: known to exist with their reason, their content never indexed or shown."""

from __future__ import annotations

import shutil

import pytest

from index.chunk import chunk_pages
from index.exempt import EXEMPT, Reason, exempt_items, reason_in, withheld, withhold
from index.types import DocType, Page, PaperMeta

from .conftest import FIXTURES, SHARED

SHARED_CORPUS = SHARED / "corpus"

SECRET = "1,475,000"  # the bid on the page marked NOT FOR PUBLICATION in the fixture pack


def _items(lines: list[str], doc_type: DocType = DocType.AGENDA) -> list[tuple[str, str, tuple]]:
    pages = [Page(text="\n".join(lines), pdf_page=1, label="1")]
    chunks = chunk_pages("p", "paper.pdf", PaperMeta(doc_type=doc_type), pages)
    out = []
    for r in exempt_items(chunks):
        assert r.type == EXEMPT and r.text in pages[0].text  # verbatim: cited like any record
        out.append((r.item, r.item_title, _paragraphs(r.kind)))
    return out


def _paragraphs(kind: str) -> tuple:
    return tuple(p.split(":")[0] for p in kind.split("paragraph ", 1)[1].split("; ")) if "paragraph " in kind else ()


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        ("likely disclosure of exempt information as defined in paragraph 3 of Part 1 of Schedule 12A of the Act", ("3",)),
        ("6. Chief Executive Appraisal (Exempt - paragraph 1)", ("1",)),
        ("exempt under paragraphs 1 and 2 of Schedule 12A", ("1", "2")),
        ("Exempt information under paragraphs 3, 5 of Part 1 of Schedule 12A", ("3", "5")),
        ("see paragraph 3.2 of the report, which is exempt", ()),  # a report's paragraph, not the Act's
        ("paragraph 3 of the report", None),  # nothing exempt named
    ],
)
def test_reason_names_the_schedule_12a_paragraphs(text, paragraphs):
    reason = reason_in(text)
    if paragraphs is None:
        assert reason is None
    else:
        assert (reason.paragraphs if reason else ()) == paragraphs


def test_a_reason_reads_as_the_act_says_it():
    assert str(Reason(("3",))) == (
        "exempt under Schedule 12A, paragraph 3: information relating to the financial or business affairs of any "
        "particular person (including the council)"
    )
    assert str(Reason()) == "exempt; the papers give no paragraph"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (  # modern.gov agenda: the motion gives the reason, an item may give its own
            ["1. Apologies", "EXEMPT ITEMS", "(During these items the meeting is likely NOT to be open to the public)",
             "4. Motion to Exclude the Press and Public", "That the public be excluded on the grounds that it involves",
             "exempt information as defined in paragraph 3 of Part 1 of Schedule 12A of the Act.",
             "5. Sale of the Old Library Site (Pages 3 - 4)", "6. Chief Executive Appraisal (Exempt - paragraph 1) (Page 5)",
             "Jo Clerk", "26 November 2025"],
            [("5", "Sale of the Old Library Site", ("3",)), ("6", "Chief Executive Appraisal", ("1",))],
        ),
        (  # "Part B" with the press and public excluded; the reason on the line after the item
            ["PART B - ITEMS LIKELY TO BE CONSIDERED IN THE ABSENCE OF THE PRESS AND PUBLIC",
             "12. Depot Lease Renewal", "Exempt under paragraph 3 of Part 1 of Schedule 12A"],
            [("12", "Depot Lease Renewal", ("3",))],
        ),
        (  # a private session with no reason given
            ["PRIVATE SESSION", "9. Housing Compensation Claim"],
            [("9", "Housing Compensation Claim", ())],
        ),
        (  # Kent's wording when there is no exempt business
            ["UNRESTRICTED ITEMS", "1. Apologies", "2. Budget", "EXEMPT ITEMS",
             "(At the time of preparing the agenda there were no exempt items. During any such",
             "items which may arise the meeting is likely NOT to be open to the public)", "Benjamin Watts", "24 February 2025"],
            [],
        ),
        (  # "Part 2" of a report or plan is not the agenda's private part
            ["Part 2", "1. Introduction", "2. Background to the plan"],
            [],
        ),
        (  # a decision form's reminder and a report template's question are not exempt items
            ["For publication [Do not include information which is exempt from publication under schedule 12a of",
             "the Local Government Act 1972]", "Is this a private report (If so, please indicate the reasons)? No",
             "1. Decision", "2. Reasons"],
            [],
        ),
    ],
)
def test_exempt_items_of_an_agenda(lines, expected):
    assert _items(lines) == expected


def test_exempt_items_of_minutes_are_their_minute_headings_not_their_paragraphs():
    lines = [
        "UNRESTRICTED ITEMS", "7. Library Opening Hours (Item 3)", "RESOLVED that the library opens on Sundays.",
        "EXEMPT ITEMS",
        "(Members resolved that under Section 100A of the Local Government Act 1972 the public be excluded from the",
        "meeting on the grounds that it involved exempt information as defined in paragraph 3 of Part 1 of Schedule 12A.)",
        "8. Sale of the Old Library Site (Item 5)",
        "1. The Cabinet considered the bids received.",
        "RESOLVED that the sale be agreed.",
    ]
    assert _items(lines, DocType.MINUTES) == [("8", "Sale of the Old Library Site", ("3",))]


def test_returning_to_public_session_ends_the_private_part():
    lines = ["PRIVATE SESSION", "9. Housing Compensation Claim", "The meeting returned to public session.", "10. Any Other Business"]
    assert _items(lines, DocType.MINUTES) == [("9", "Housing Compensation Claim", ())]


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("Agenda Item 5\nNOT FOR PUBLICATION by virtue of paragraph 3\nThe bid was high.", True),
        ("Document is Restricted\nPage 7", True),
        ("7\nAppendix B - Exempt\nTerms of the lease", True),
        ("Sale of the Old Library Site\nAppendix 2 is not for publication by virtue of paragraph 3.", False),  # a mention
        ("For publication [Do not include information which is exempt from publication", False),
        ("Report\nOne\nTwo\nThree\nFour\nNOT FOR PUBLICATION", False),  # not at the head of the page
    ],
)
def test_a_page_is_withheld_only_when_its_head_marks_it(text, marked):
    assert (withheld(text) is not None) == marked


def test_withholding_keeps_the_page_its_marking_and_footer_and_drops_the_rest():
    pages = [
        Page("Agenda\n1. Apologies", 1, "1"),
        Page("Agenda Item 5\nNOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of\nSchedule 12A.\nThe bid was £1m.\nPage 3", 2, "3"),
    ]
    out, cut = withhold(pages)
    assert cut == [1] and out[0] == pages[0]
    assert out[1].text == "Agenda Item 5\nNOT FOR PUBLICATION by virtue of paragraph 3 of Part 1 of\nPage 3"
    assert "£1m" not in out[1].text and out[1].label == "3"


@pytest.fixture
def exempt_assistant(tmp_path):
    from qa.assistant import Assistant
    from qa.config import load_settings

    papers = tmp_path / "exempt"
    shutil.copytree(FIXTURES / "exempt", papers)
    a = Assistant(load_settings(), create=True)
    report = a.index([papers])
    assert report.ok, report.skipped
    assert report.withheld == [("testshire-cabinet-2025-12-04-pack.pdf", ["3"])]
    return a


def test_the_exempt_report_is_never_indexed(exempt_assistant):
    a = exempt_assistant
    assert all(SECRET not in c.text and "Harbourside" not in c.text for c in a.store.all_chunks())
    pack = next(p for p in a.store.papers() if p.source.endswith("12-04-pack.pdf"))
    assert all(SECRET not in p.text for p in a.store.pages(pack.id))
    assert a.withheld_pages(pack.id) == {3}
    answer = a.ask("How much did the preferred bidder, Harbourside Homes, offer for the Old Library Site?")
    assert answer.abstained and SECRET not in answer.text
    assert "taken in private" in answer.notice and "Sale of the Old Library Site" in answer.notice and "paragraph 3" in answer.notice


def test_exempt_items_are_listed_with_their_reason_and_the_page_that_lists_them(exempt_assistant):
    rows = exempt_assistant.exempt_items()
    got = {(r.source.split("-")[-1], r.record.item, r.record.item_title, _paragraphs(r.record.kind)) for r in rows}
    assert got == {
        ("pack.pdf", "5", "Sale of the Old Library Site, Mill Street", ("3",)),
        ("pack.pdf", "6", "Chief Executive Appraisal", ("1",)),
        ("minutes.md", "8", "Sale of the Old Library Site, Mill Street", ("3",)),
    }
    listed = next(r for r in rows if r.record.item == "5")
    assert listed.record.pdf_page == 1 and listed.record.text == "5. Sale of the Old Library Site, Mill Street (Pages 3 - 4)"
    assert not any("2026-01-15" in r.source for r in rows)  # "there were no exempt items"


def test_the_timeline_shows_a_private_item_once_with_its_reason(exempt_assistant):
    from qa import render

    t = exempt_assistant.timeline("Old Library Site")
    private = [e for e in t.entries if e.kind == "taken in private"]
    assert len(private) == 1 and "paragraph 3" in private[0].status
    assert "taken in private (exempt under Schedule 12A, paragraph 3" in render.timeline_text(t)


def test_a_withheld_page_is_neither_previewed_nor_served(exempt_assistant):
    import pypdfium2 as pdfium
    from fastapi.testclient import TestClient

    from qa.ui import WITHHELD_NOTE, Session, build_app, show_source

    a = exempt_assistant
    pack = next(p for p in a.store.papers() if p.source.endswith("12-04-pack.pdf"))
    cite = {"label": "x", "paper_id": pack.id, "pdf_page": 3, "source": pack.source, "item": "5", "text": "NOT FOR PUBLICATION"}
    image, note = show_source(a, "x", Session(citations=[cite]))
    assert image is None and WITHHELD_NOTE in note
    image, _ = show_source(a, "x", Session(citations=[{**cite, "pdf_page": 2, "text": "Sunday opening"}]))
    assert image is not None  # the pack's public pages are shown
    served = TestClient(build_app(a)).get(f"/paper/{pack.id}")
    assert served.status_code == 200 and served.content[:4] == b"%PDF"
    pdf = pdfium.PdfDocument(served.content)
    texts = [pdf[n].get_textpage().get_text_range() for n in range(len(pdf))]
    assert len(texts) == 3 and "Library Opening Hours" in texts[1] and texts[2].strip() == ""  # page 3 left blank


def test_the_cli_lists_exempt_items(exempt_assistant):
    from click.testing import CliRunner

    from qa.cli import cli

    out = CliRunner().invoke(cli, ["--data-dir", str(exempt_assistant.settings.data_dir), "decisions", "--exempt"])
    assert out.exit_code == 0, out.output
    assert "[taken in private: exempt under Schedule 12A, paragraph 1: information relating to any individual]" in out.output
    assert "6. Chief Executive Appraisal (Exempt - paragraph 1) (Page 5)" in out.output


@pytest.mark.skipif(not SHARED_CORPUS.exists(), reason="needs ../shared/corpus")
def test_no_paper_of_the_shared_corpus_has_exempt_items_or_withheld_pages():
    """Every mention there is "no exempt items", a template's reminder or a report's question: none is an item."""
    from index.build import stated_meta
    from index.discover import discover
    from index.parse import parse_paper

    found = []
    for f in discover([SHARED_CORPUS]):
        pages, cut = withhold(parse_paper(f.path))
        chunks = chunk_pages("x", f.source, stated_meta(f, pages), pages)
        found += [(f.source, n) for n in cut] + [(f.source, r.item_title) for r in exempt_items(chunks)]
    assert found == []


def test_a_report_that_mentions_excluding_the_public_lists_no_exempt_items():
    lines = ["Review of the Constitution", "Standing Order 9 provides that the press and public be excluded from a",
             "meeting when exempt information under paragraph 3 would be disclosed.", "1. Introduction", "2. Options"]
    assert _items(lines, DocType.REPORT) == []
