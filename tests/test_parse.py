"""Parsing: page labels, text clean-up, modern.gov items, Markdown pages, meeting metadata."""

from datetime import date

import pytest

from index.errors import ParseError, UnsupportedFile
from index.meta import committee_from_text, council_from_text, find_dates, meeting_date_from_text
from index.parse import assign_labels, parse_html, parse_paper, parse_text, printed_label
from index.text import clean_text, squash

from .conftest import FIXTURES, SAMPLE_PAPERS


def test_ligatures_and_line_end_hyphenation_are_normalised():
    assert clean_text("The o\ufb03cer's \ufb01nal manage-\nment take\ufffeup") == "The officer's final management take-up"
    assert clean_text("line one\r\nline two") == "line one\nline two"


def test_squash_ignores_whitespace_quotes_and_case():
    assert squash("The  Council’s\n “plan”") == squash("the council's \"plan\"")


def test_printed_label_read_from_page_footer():
    assert printed_label("text\nmore text\nPage 12\n") == "12"
    assert printed_label("no footer here\n3 items") is None


def test_labels_fill_gaps_between_footers_and_fall_back_to_pdf_numbers():
    raw = [None, None, "1", None, "3", None]
    assert assign_labels(raw, [None] * 6) == ["1", "2", "1", "2", "3", "4"]
    assert assign_labels([None, None], ["i", "ii"]) == ["i", "ii"]


def test_pdf_pack_keeps_pdf_page_and_printed_label():
    pages = parse_paper(FIXTURES / "papers" / "testshire-transport-2025-10-28-pack.pdf")
    assert [(p.pdf_page, p.label) for p in pages] == [(1, "1"), (2, "1"), (3, "2")]
    assert "Route 7 would be withdrawn" in pages[1].text


def test_leicester_pack_pdf_page_6_is_printed_page_2():
    pages = parse_paper(SAMPLE_PAPERS / "leicester" / "leicester-cype-2025-10-28-agenda-pack.pdf")
    assert len(pages) == 70
    assert pages[5].pdf_page == 6 and pages[5].label == "2"
    assert "SEND transport was on track to deliver a saving of £900,000" in pages[5].text
    assert pages[0].label == "1" and pages[4].label == "1"  # unnumbered agenda pages fall back to PDF numbers


def test_modern_gov_html_gives_one_page_per_item_with_minute_number_and_title():
    pages = parse_paper(FIXTURES / "papers" / "testshire-transport-2025-10-28-minutes.html")
    items = [(p.item, p.item_title) for p in pages if p.item]
    assert items == [("51", "Apologies for Absence"), ("52", "Cycle Lanes"), ("53", "Public Statements")]
    cycle = next(p for p in pages if p.item == "52")
    assert "\n· The lane cost £2.4m to build." in cycle.text  # inline bullets become lines
    assert pages[0].item is None and "Venue: Council Chamber" in pages[0].text


def test_html_script_in_a_paper_stays_text():
    pages = parse_html("<table class='mgItemTable'><tr><td>1.</td><td>Item &lt;script&gt;x()&lt;/script&gt;</td></tr></table>")
    assert "<script>x()</script>" in pages[-1].text


def test_leicester_minutes_html_items_176_to_187():
    pages = parse_paper(SAMPLE_PAPERS / "leicester" / "leicester-cype-2025-10-28-minutes.html")
    numbers = [p.item for p in pages if p.item]
    assert numbers == [str(n) for n in range(176, 188)]


def test_markdown_page_markers_become_page_labels():
    pages = parse_text((FIXTURES / "papers" / "testshire-council-2025-11-03-minutes.md").read_text())
    assert [p.label for p in pages] == ["1", "2"]
    assert "Original file" not in pages[0].text
    assert "seconded by Councillor Ash" in pages[1].text


@pytest.mark.parametrize(
    "name, reason",
    [
        ("corrupt.pdf", "corrupt or unreadable PDF"),
        ("encrypted.pdf", "encrypted PDF"),
        ("scanned.pdf", "no text layer"),
        ("empty.txt", "empty file"),
        ("latin1.txt", "not UTF-8"),
        ("notes.docx", "unsupported file type"),
    ],
)
def test_bad_files_raise_a_parse_error_with_a_reason(name, reason):
    with pytest.raises(ParseError, match=reason):
        parse_paper(FIXTURES / "bad" / name)


def test_unsupported_extension_is_its_own_error():
    with pytest.raises(UnsupportedFile):
        parse_paper(FIXTURES / "bad" / "notes.docx")


def test_dates_in_council_styles():
    assert find_dates("TUESDAY, 28 OCTOBER 2025") == [date(2025, 10, 28)]
    assert find_dates("MONDAY, 28TH NOVEMBER, 2022") == [date(2022, 11, 28)]
    assert find_dates("Tuesday, 28th October, 2025") == [date(2025, 10, 28)]
    assert find_dates("13th-Feb-2025 and 2025-01-30") == [date(2025, 2, 13), date(2025, 1, 30)]


def test_meeting_metadata_read_from_the_front_page():
    pages = parse_paper(SAMPLE_PAPERS / "leicester" / "leicester-cype-2025-10-28-agenda-pack.pdf")
    head = "\n".join(p.text for p in pages[:3])
    assert meeting_date_from_text(head) == date(2025, 10, 28)
    assert council_from_text(head) == "Leicester City Council"
    assert committee_from_text(head) == "Children, Young People and Education Scrutiny Commission"


def test_document_type_is_the_kind_named_first():
    from index.meta import doc_type_from_words
    from index.types import DocType

    assert doc_type_from_words("agenda pack (agenda, minutes of 23 Sep 2025, reports)") == DocType.AGENDA
    assert doc_type_from_words("minutes (of a previous meeting, adopted at this meeting)") == DocType.MINUTES
    assert doc_type_from_words("Printed_minutes_13th-Feb-2025") == DocType.MINUTES
    assert doc_type_from_words("equality impact assessment") == DocType.APPENDIX


def test_council_names_from_headings_not_from_dates():
    from index.meta import council_from_text

    assert council_from_text("KENT COUNTY COUNCIL\nMinutes of the 13 March County Council meeting") == "Kent County Council"
    assert council_from_text("West of England Mayoral Combined Authority\nJoint Committee") == "West of England Combined Authority"
    assert council_from_text("The Full Council met.") is None
