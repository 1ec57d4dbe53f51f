"""The decisions and commitments register: extraction from minutes, storage with the paper, topic search."""

from datetime import date

from index.chunk import chunk_pages
from index.decisions import extract_commitments, extract_decisions, resolve_due
from index.parse import parse_paper
from index.types import DocType, Page, PaperMeta
from qa.register import RecordFilters

from .conftest import FIXTURES, SAMPLE_PAPERS

KENT_STYLE = """291. Revenue Budget 2025-26
(Item 6)
(7) Mr Brady proposed, and Ms Meade seconded the following amendment:
Proposed Purpose:
"To amend the budget in line with the Labour Group's Alternative Budget."
(8) Following the debate, the Chairman put to the vote the amendment set out
in paragraph 7 above and the voting was as follows:
For (12)
Mr Baldock, Mr Brady
Against (42)
Mr Baker, Mr Bartlett
Abstain (7)
Mr Chittenden
Amendment lost.
(27) RESOLVED that:
County Council is asked to agree the
following:
Capital Programme
(a) The 10-year Capital programme of £1,419m.
(b) The net revenue budget requirement of £1,530.9m for 2025-26.
(28) The Chairman thanked Members."""


def _chunks(text: str, when=date(2025, 2, 13)):
    pages = [Page(text=text, pdf_page=3, label="3")]
    return chunk_pages("p", "m.pdf", PaperMeta(meeting_date=when, doc_type=DocType.MINUTES), pages)


def test_amendment_with_mover_seconder_votes_and_outcome():
    records = extract_decisions(_chunks(KENT_STYLE))
    amendment = next(r for r in records if r.kind == "amendment lost")
    assert (amendment.mover, amendment.seconder) == ("Mr Brady", "Ms Meade")
    assert amendment.votes == {"for": 12, "against": 42, "abstain": 7}
    assert amendment.item == "291" and amendment.pdf_page == 3


def test_lettered_resolution_gives_one_record_per_part():
    records = [r for r in extract_decisions(_chunks(KENT_STYLE)) if r.kind == "resolved"]
    assert [r.text for r in records] == [
        "(a) The 10-year Capital programme of £1,419m.",
        "(b) The net revenue budget requirement of £1,530.9m for 2025-26.",
    ]


def test_agreed_block_in_the_fixture_pack():
    pages = parse_paper(FIXTURES / "papers" / "testshire-transport-2025-10-28-pack.pdf")
    chunks = chunk_pages("p", "pack.pdf", PaperMeta(meeting_date=date(2025, 10, 28), doc_type=DocType.AGENDA), pages)
    decisions = extract_decisions(chunks)
    assert [(d.item, d.kind, d.text, d.meeting_date, d.pdf_page) for d in decisions] == [
        ("42", "noted", "AGREED: That the report is noted.", date(2025, 9, 23), 2)
    ]


def test_commitment_due_dates_resolve_against_the_meeting():
    assert resolve_due("This item would now come to the January meeting.", date(2025, 10, 28)) == "2026-01"
    assert resolve_due("An update would come in March 2026.", date(2025, 10, 28)) == "2026-03"
    assert resolve_due("It would come back to the commission.", date(2025, 10, 28)) is None
    pages = parse_paper(SAMPLE_PAPERS / "leicester" / "leicester-cype-2025-10-28-minutes.html")
    chunks = chunk_pages("p", "m.html", PaperMeta(meeting_date=date(2025, 10, 28), doc_type=DocType.MINUTES), pages)
    found = {r.text: r.due for r in extract_commitments(chunks)}
    assert found["· An update would come to the Scrutiny Commission in March 2026."] == "2026-03"
    assert found["· A letter would come to the January Scrutiny meeting."] == "2026-01"


def test_records_are_stored_and_replaced_with_their_paper(assistant, papers):
    decisions = assistant.decisions()
    assert [(d.record.item, d.record.text) for d in decisions] == [
        ("42", "AGREED: That the report is noted."),
        ("52", "AGREED: That the scheme be extended to Southgate."),
    ]
    html = papers / "testshire-transport-2025-10-28-minutes.html"
    html.write_text(html.read_text().replace("extended to Southgate", "extended to Eastgate"), encoding="utf-8")
    assistant.index([papers])
    texts = [d.record.text for d in assistant.decisions()]
    assert "AGREED: That the scheme be extended to Eastgate." in texts and not any("Southgate" in t for t in texts)


def test_register_filters_and_topic_search(assistant):
    found = assistant.decisions("cycle lanes")
    assert found and found[0].record.item == "52"
    september = assistant.decisions(filters=RecordFilters(date_to=date(2025, 9, 30)))
    assert [d.record.item for d in september] == ["42"]


def test_leicester_register_send_transport(leicester):
    decisions = leicester.decisions("SEND transport")
    top = decisions[0]
    assert top.record.item == "173" and top.record.meeting_date == date(2025, 9, 23)
    assert top.record.text == "AGREED: That the report is noted." and top.record.pdf_page == 12 and top.record.label == "8"
    actions = leicester.actions("SEND transport")
    january = [a for a in actions if "outstanding 200" in a.record.text]
    assert january and january[0].record.due == "2026-01" and january[0].record.pdf_page == 69


def test_ask_what_was_agreed_uses_the_register_and_cites_the_decision_page(leicester):
    a = leicester.ask("What was agreed about SEND transport?")
    assert "That the report is noted." in a.text and "23 September 2025" in a.text
    assert a.citations[0].pdf_page == 12 and a.citations[0].verified
