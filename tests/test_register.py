"""The decisions and commitments register: extraction from minutes, storage with the paper, topic search."""

from datetime import date
from pathlib import Path

import pytest

from index.chunk import chunk_pages
from index.decisions import extract_commitments, extract_decisions, extract_records, resolve_due
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


# Kent full council, "N)" paragraphs: a motion put by paragraph number, an amendment to it that lists "(1)",
# "(2)" (its words, not resolutions), an amendment the movers accepted, a vote on the substantive motion, and a
# resolution in two lists, the second calling on a Cabinet Member to act
KENT_PARAGRAPHS = """306. Disposable Vapes
(Item 17)
1) Mr Hood proposed, and Ms Hawkins seconded the motion that
“County Council is asked to note the report.”
2) Mr Brady proposed and Mr Baldock seconded the following amendment to
the substantive motion set out in paragraph 1:
“County Council is asked to:
(1) Note the report
(2) Comment that the Council does not support the ban.”
3) Following the debate, the Chairman put the amendment set out in
paragraph 2 to the vote and the voting was as follows:
For (14)
Against (45)
Abstain (4)
Amendment lost.
4) Mr Watkins proposed and Mr Brazier seconded the following amendment:
This Council believes that:
a) Action is needed on disposable vapes.
5) The proposer and seconder of the original motion agreed to the
amendment, which became the substantive motion.
6) The Chairman put the substantive motion (as amended) as set out in
paragraph 5 to the vote and the voting was as follows.
For (34)
Against (0)
Abstain (0)
Substantive motion carried.
7) RESOLVED that:
This Council believes that:
a) Action is needed on disposable vapes.
And;
This Council agrees to call on the Cabinet Member for Public Health to:
a) Write again to the government, urging swift action.
b) Encourage proper disposal of vapes.
307. Treasury Management
(Item 12)
1) Mr Oakford proposed, and Mr Rayner seconded the motion that
“Council is asked to endorse the report.”
2) Following the debate, the Chairman put the motion set out in paragraph 1 to
the vote and the voting was as follows:
For (38)
Against (5)
Abstain (4)
Motion carried.
3) RESOLVED that Council endorses the report."""


def test_motions_are_linked_to_their_votes_by_paragraph_number():
    records = extract_records(_chunks(KENT_PARAGRAPHS))
    decisions = [r for r in records if r.type == "decision"]
    lost = next(r for r in decisions if r.kind == "amendment lost")
    assert (lost.mover, lost.seconder, lost.votes) == ("Mr Brady", "Mr Baldock", {"for": 14, "against": 45, "abstain": 4})
    assert "does not support the ban" in lost.text  # the amendment's words, not the vote line
    assert not any(r.text.startswith("(2) Comment") for r in decisions)  # an amendment's parts are not resolutions
    accepted = next(r for r in decisions if r.kind == "amendment carried")
    assert (accepted.mover, accepted.text[:40]) == ("Mr Watkins", "5) The proposer and seconder of the orig")
    substantive = next(r for r in decisions if r.kind == "recommendation carried")
    assert substantive.votes == {"for": 34, "against": 0, "abstain": 0} and substantive.mover == "Mr Hood"  # the original motion's
    parts = [r.text for r in decisions if r.kind == "resolved" and r.item == "306"]
    assert parts == [
        "a) Action is needed on disposable vapes.",
        "a) Write again to the government, urging swift action.",
        "b) Encourage proper disposal of vapes.",
    ]
    tasks = [(r.text, r.who) for r in records if r.type == "commitment"]
    assert tasks == [
        ("a) Write again to the government, urging swift action.", "the Cabinet Member for Public Health"),
        ("b) Encourage proper disposal of vapes.", "the Cabinet Member for Public Health"),
    ]
    # a one-sentence resolution restates the motion just carried: one record, with the motion's mover and vote
    treasury = [r for r in decisions if r.item == "307"]
    assert [(r.text, r.mover, r.seconder, r.votes) for r in treasury] == [
        ("3) RESOLVED that Council endorses the report.", "Mr Oakford", "Mr Rayner", {"for": 38, "against": 5, "abstain": 4})
    ]


LIMERICK_STYLE = """Circulated, copy of Statutory Notice concerning disposal of property at 8, Quins Cottages.
Proposed by Councillor Sheahan (J);
Seconded by Councillor Kiely;
And Resolved:
“That, the approval of the Council be and is hereby given to the disposal of property at 8,
Quins Cottages, Rosbrien, Limerick.”
Circulated, report of the Director, Transportation.
The report was noted by the Council.
I will move at the next Meeting that the Council write to the Road Safety Authority for an
update on speed limits.
The Motion was proposed by Councillor Collopy, seconded by Councillor Benson, and adopted.
There was a debate that would follow. It was suggested that the plan may need to return to the Council.
Members of the Commission will be asked to consider the work programme."""


def test_proposed_by_seconded_by_and_resolved_forms():
    records = extract_records(_chunks(LIMERICK_STYLE, date(2023, 1, 23)))
    decisions = [(r.kind, r.mover, r.seconder, r.text[:45]) for r in records if r.type == "decision"]
    assert decisions == [
        ("resolved", "Councillor Sheahan (J)", "Councillor Kiely", "“That, the approval of the Council be and is "),
        ("noted", None, None, "The report was noted by the Council."),
        ("agreed", "Councillor Collopy", "Councillor Benson", "The Motion was proposed by Councillor Collopy"),
    ]
    # the adopted motion's words are a task; a debate "that would follow", a suggestion and an agenda's
    # description of what members will be asked to do are not promises
    commitments = [r.text for r in records if r.type == "commitment"]
    assert len(commitments) == 1 and commitments[0].startswith("I will move at the next Meeting that the Council write to the Road")


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


def test_subject_of_a_commitment_and_matching_item_titles():
    from qa.followup import _about, body_key, content_terms, subject_terms

    assert body_key("Kent County Council", "County Council (full council)") == body_key("Kent County Council", "County Council")
    assert body_key("Kent County Council", "") is None  # an unknown committee is no committee's
    assert body_key("Testshire Council", "Committee 1") != body_key("Testshire Council", "Committee 10")

    subject = subject_terms("Looked after children seeking safety would be added to the work programme")
    assert {"child", "seek", "safety"} <= subject
    assert _about(subject, content_terms("CHILDREN SEEKING SAFETY"))
    assert not _about(subject_terms("The Corporate Risk Register was due to be presented"), content_terms("Budget Risks Register 2025-26"))
    assert subject_terms("It would first be reconsidered by the next meeting") == set()  # no subject: nothing to match


def test_a_commitment_that_cannot_be_followed_names_what_its_paper_lacks():
    from qa.followup import unknown

    assert unknown("", "Cabinet", date(2025, 1, 30)) == "council not known"
    assert unknown("Kent County Council", "", date(2025, 1, 30)) == "committee not known"
    assert unknown("Kent County Council", "Cabinet", None) == "meeting date not known"
    assert unknown("", "", None) == "council and committee and meeting date not known"


def test_actions_say_what_later_papers_show(tmp_path):
    """A promise taken up by a later meeting's agenda, one with no later item, and 'the next meeting' as a date."""
    from qa.assistant import Assistant
    from qa.config import load_settings
    from qa.followup import NO_LATER, ON_AGENDA, OPEN

    folder = tmp_path / "committee"
    folder.mkdir()
    (folder / "minutes-2025-09-01.md").write_text(
        "12. BUS SHELTERS\n\nMembers discussed the condition of shelters in the town centre.\n\n"
        "Bus shelter repairs would come back to the Commission with costed options.\n\n"
        "Parking charges: the report was deferred to the next meeting of the Commission.\n\n"
        "A review of school crossing patrols would come to a future meeting.\n\n"
        "Street lighting upgrades would come back to the Commission.\n\n"
        "The minutes of the previous meeting would come back to the Commission once corrected.\n",
        encoding="utf-8",
    )
    # another committee takes up street lighting: that is not this commission's follow-up
    (folder / "planning-2025-09-20.md").write_text("3. STREET LIGHTING UPGRADES\n\nThe upgrade programme.\n", encoding="utf-8")
    (folder / "agenda-2025-10-06.md").write_text(
        "1. MINUTES OF THE PREVIOUS MEETING\n\nTo confirm the minutes.\n\n"
        "5. BUS SHELTER REPAIRS\n\nOptions for repairing the town centre shelters, with costs.\n\n"
        "6. PARKING CHARGES\n\nThe deferred report on parking charges.\n",
        encoding="utf-8",
    )
    (folder / "manifest.csv").write_text(
        "filename,council,committee,meeting_date,document_type\n"
        "minutes-2025-09-01.md,Testshire Council,Transport Scrutiny Commission,2025-09-01,minutes\n"
        "agenda-2025-10-06.md,Testshire Council,Transport Scrutiny Commission,2025-10-06,agenda\n"
        "planning-2025-09-20.md,Testshire Council,Planning Committee,2025-09-20,agenda\n",
        encoding="utf-8",
    )
    a = Assistant(load_settings(), create=True)
    a.index([folder])
    actions = {r.record.text: r for r in a.actions()}
    shelters = actions["Bus shelter repairs would come back to the Commission with costed options."]
    assert shelters.follow_up.status == ON_AGENDA
    assert (shelters.follow_up.item.item, shelters.follow_up.item.title, shelters.follow_up.item.meeting_date) == (
        "5", "BUS SHELTER REPAIRS", date(2025, 10, 6)
    )
    from qa import render

    as_json = render.record_dict(shelters)
    assert as_json["status"] == ON_AGENDA and as_json["next_meeting"] == "2025-10-06"
    assert as_json["later_item"]["item"] == "5. BUS SHELTER REPAIRS" and as_json["later_item"]["source"].endswith("agenda-2025-10-06.md")
    assert render.follow_up_line(shelters).startswith("on a later agenda: 2025-10-06 item 5. BUS SHELTER REPAIRS (")
    parking = next(r for t, r in actions.items() if t.startswith("Parking charges"))
    assert parking.record.due == "2025-10" and parking.follow_up.next_meeting == date(2025, 10, 6)
    crossings = next(r for t, r in actions.items() if t.startswith("A review of school crossing"))
    assert crossings.follow_up.status == OPEN and crossings.record.due is None
    assert actions["Street lighting upgrades would come back to the Commission."].follow_up.status == OPEN
    assert actions["The minutes of the previous meeting would come back to the Commission once corrected."].follow_up.status == OPEN  # every agenda has that item
    # the agenda's own promises have no later meeting to look at
    assert all(r.follow_up.status == NO_LATER for r in a.actions() if r.record.meeting_date == date(2025, 10, 6))


def _records_stand_on_their_pages(pages, chunks) -> list[str]:
    """Records whose text is not the text of the page they cite (whitespace and ligatures aside)."""
    from index.text import squash

    return [
        f"p{r.pdf_page}: {r.text[:80]}"
        for r in extract_records(chunks)
        if squash(r.text) not in squash(pages[r.page_index].text)
    ]


def test_every_record_quotes_its_page_in_the_fixtures():
    for text in (KENT_STYLE, KENT_PARAGRAPHS, LIMERICK_STYLE):
        lines = text.split("\n")
        # the same minutes over two pages, with a page number at the foot of the first and a table figure
        # ("14") inside the second that must stay in the quotes
        half = len(lines) // 2
        pages = [
            Page(text="\n".join([*lines[:half], "7"]), pdf_page=7, label="7"),
            Page(text="\n".join([*lines[half:], "14", "RESOLVED that the report be noted and the budget of", "14", "be approved."]), pdf_page=8, label="8"),
        ]
        chunks = chunk_pages("p", "m.pdf", PaperMeta(meeting_date=date(2025, 3, 13), doc_type=DocType.MINUTES), pages)
        assert _records_stand_on_their_pages(pages, chunks) == []


def test_every_record_quotes_its_page_in_the_labelled_minutes():
    """Every decision and commitment read from the labelled papers is verbatim text of the page it cites."""
    import json

    from index.build import paper_meta
    from index.discover import Found

    from .conftest import SHARED

    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip(f"the shared corpus is not at {corpus}")
    sources = set()
    for name in ("decisions.jsonl", "decisions-heldout.jsonl"):
        for line in (Path(__file__).parent.parent / "eval" / name).read_text(encoding="utf-8").splitlines():
            sources.add(json.loads(line)["source"])
    checked = 0
    for source in sorted(sources):
        path = corpus / source
        if not path.exists():
            continue
        pages = parse_paper(path)
        meta = paper_meta(Found(path=path, root=corpus), pages, None)
        chunks = chunk_pages("p", source, meta, pages)
        assert _records_stand_on_their_pages(pages, chunks) == [], source
        checked += 1
    assert checked >= 8


def test_questions_about_votes_are_answered_from_the_register(tmp_path):
    """'Which amendments were lost at the 13 February 2025 meeting?' lists that meeting's lost amendments,
    each quoted from its page with its mover and seconder, and none that was carried."""
    from qa.assistant import Assistant
    from qa.config import load_settings

    folder = tmp_path / "council"
    folder.mkdir()
    (folder / "minutes-2025-02-13.md").write_text(
        "MINUTES of a meeting of the County Council held on Thursday, 13 February 2025.\n\n"
        "291. Revenue Budget 2025-26\n(Item 6)\n"
        "(1) Mr Hood proposed, and Mr Lewis seconded the following amendment:\n"
        "“Allocate up to £75k to a feasibility study into home to school transport.”\n"
        "(2) Following the debate, the Chairman put to the vote the amendment set out in paragraph 1 and the voting was as follows:\n"
        "For (16)\nAgainst (41)\nAbstain (0)\nAmendment lost.\n"
        "(3) Mr Hook proposed, and Mr Streatfeild seconded the following amendment:\n"
        "“Add £2m to the pothole repair programme.”\n"
        "(4) Following the debate, the Chairman put to the vote the amendment set out in paragraph 3 and the voting was as follows:\n"
        "For (44)\nAgainst (9)\nAbstain (3)\nAmendment carried.\n"
        "292. Pay Policy Statement\n(Item 7)\n"
        "(1) Mr Oakford proposed, and Mr Jeffrey seconded the motion that “Council is asked to endorse the Pay Policy Statement.”\n"
        "(2) Following the debate, the Chairman put the motion set out in paragraph 1 and it was agreed.\n"
        "(3) RESOLVED that Council endorses the Pay Policy Statement.\n",
        encoding="utf-8",
    )
    (folder / "manifest.csv").write_text(
        "filename,council,committee,meeting_date,document_type\nminutes-2025-02-13.md,Kent County Council,County Council,2025-02-13,minutes\n",
        encoding="utf-8",
    )
    a = Assistant(load_settings(), create=True)
    a.index([folder])
    answer = a.ask("Which amendments were lost at the meeting on 13 February 2025?")
    assert "Mr Hood proposed, and Mr Lewis seconded" in answer.text and "feasibility study" in answer.text
    assert "pothole" not in answer.text
    assert answer.citations and all(c.verified for c in answer.citations)
    carried = a.ask("Which amendments were carried on 13 February 2025?")
    assert "pothole" in carried.text and "feasibility" not in carried.text
    # the recorded vote, each line quoted from the page the minutes print it on
    vote = a.ask("What was the vote on the home to school transport amendment on 13 February 2025?")
    assert "Mr Hood proposed" in vote.text
    assert [c.text for c in vote.citations][1:] == ["For (16)", "Against (41)", "Abstain (0)", "Amendment lost."]
    assert all(c.verified for c in vote.citations)
    # a decision the minutes record without a count: the papers don't say how many voted which way
    uncounted = a.ask("How many councillors voted for and against the Pay Policy Statement on 13 February 2025?")
    assert uncounted.abstained and "not how many voted" in uncounted.notice, uncounted.text


@pytest.mark.parametrize(
    "text, closure",
    [
        ("4) Following further debate, Mr Rayner proposed and Mr Meade seconded that the substantive motion (as amended) in paragraph 3 be put to the vote.", True),
        ("Mr Brady proposed and Ms Meade seconded that the motion be put to the vote.", True),
        ("The Chairman proposed that the question be now put and it was agreed.", True),
        ("1) Mr Hood proposed, and Ms Hawkins seconded the motion that this Council believes that action is needed on vapes.", False),
        ("Mr Watkins proposed and Mr Brazier seconded the following amendment: that the motion be amended to read", False),
    ],
)
def test_a_motion_to_take_the_vote_now_is_told_from_a_motion_on_the_matter(text, closure):
    from index.motions import is_closure

    assert is_closure(text) is closure


def test_a_tally_printed_as_headings_and_names_is_read_to_its_declaration():
    """Irish minutes print a vote as a heading, the names and a count, and the Mayor's declaration ends it."""
    from index.motions import is_vote_call, vote_block

    call = "Following further discussion, the Mayor directed that a vote be taken on the proposal to defer and the result of the voting was as follows:"
    after = [
        "**For Deferral**",
        "Councillors Benson, Butler, Collopy, Egan, Teefy (21)",
        "**Against Deferral**",
        "Councillors Carey, Collins (B), Slattery (13)",
        "**Abstentions**",
        "There were no abstentions.",
        "The Mayor declared the proposal to defer the decision on the Draft Bye-Laws until the September Plenary Meeting as carried.",
        "(b) Section 85 Agreement – Patrickswell to Charleville Greenway",
    ]
    assert is_vote_call(call) and not is_vote_call("The report was noted by the Council.")
    assert vote_block(after) == [0, 1, 2, 3, 4, 5, 6]  # the next item is not part of it
    kent = ["For (37)", "Against (0)", "Abstain (2)", "Substantive Motion carried.", "(8) Mr Hood proposed"]
    assert vote_block(kent) == [0, 1, 2, 3]
    assert vote_block(["The Mayor thanked members.", "The meeting ended."]) == []


def test_a_vote_the_register_has_no_count_for_is_quoted_from_the_minutes(tmp_path):
    """'What was the vote on deferring the bye-laws?' where the tally is printed as headings and names: the
    sentence calling the vote, the tallies and the declaration, each quoted from its page."""
    from .conftest import index_texts

    minutes = (
        "Minutes of the Meeting of Limerick City and County Council held on Monday, 17th July, 2023.\n\n"
        "5. Draft City Centre 30 km/h Speed Limit Bye-Laws 2023\n\n"
        "Circulated, report of the Senior Executive Engineer enclosing the Draft Speed Limit Bye-Laws 2023.\n\n"
        "Councillor Teefy proposed that the decision on the bye-laws be deferred, seconded by Councillor Galvin.\n\n"
        "Following further discussion, the Mayor directed that a vote be taken on the proposal\n\n"
        "to defer and the result of the voting was as follows:\n\n"
        "**For Deferral**\n\nCouncillors Benson, Butler, Collopy, Egan, Galvin, Teefy (21)\n\n"
        "**Against Deferral**\n\nCouncillors Carey, Collins (B), Slattery (13)\n\n"
        "**Abstentions**\n\nThere were no abstentions.\n\n"
        "The Mayor declared the proposal to defer the decision on the Draft Speed Limit Bye-Laws\n\n"
        "until the September Plenary Meeting as carried.\n\n"
        "6. Section 85 Agreement – Greenway\n\nProposed by Councillor McSweeney;\nSeconded by Councillor Ryan;\nAnd Resolved: “That the agreement be approved.”\n"
    )
    a = index_texts(tmp_path / "council", {"minutes-2023-07-17.md": minutes})
    answer = a.ask("What was the result of the vote on deferring the 30 km/h speed limit bye-laws?")
    quoted = [c.text for c in answer.citations]
    assert any("vote be taken" in q for q in quoted), answer.text
    assert any(q.endswith("(21)") for q in quoted) and any(q.endswith("(13)") for q in quoted)
    assert any("declared the proposal to defer" in q for q in quoted)
    assert answer.citations and all(c.verified for c in answer.citations)


def _kent_minutes(tmp_path, text: str):
    """An Assistant over one Kent County Council minutes paper of 9 January 2025 (with a manifest saying so)."""
    from qa.assistant import Assistant
    from qa.config import load_settings

    folder = tmp_path / "council"
    folder.mkdir()
    (folder / "minutes-2025-01-09.md").write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "filename,council,committee,meeting_date,document_type\nminutes-2025-01-09.md,Kent County Council,County Council,2025-01-09,minutes\n",
        encoding="utf-8",
    )
    a = Assistant(load_settings(), create=True)
    a.index([folder])
    return a


def test_the_result_of_a_vote_is_the_substantive_motions_not_an_amendments(tmp_path):
    """'What was the final result' of a vote on a matter is how the substantive motion fared, not an amendment
    moved in its debate; a count asked for a matter whose vote the minutes do not record is not another item's."""
    a = _kent_minutes(
        tmp_path,
        "MINUTES of a meeting of the County Council held on Thursday, 9 January 2025.\n\n"
        "285. Devolution Priority Programme\n(Item 5)\n"
        "(1) Mr Gough proposed, and Mr Oakford seconded the motion that the Council asks to join the Devolution Priority Programme.\n"
        "(2) Mr Lehmann proposed, and Mr Hood seconded the following amendment:\n"
        "“Delete the request to join the Devolution Priority Programme and consult residents first.”\n"
        "(3) Following the debate, the Chairman put to the vote the amendment set out in paragraph 2 and the voting was as follows:\n"
        "For (14)\nAgainst (40)\nAbstain (7)\nAmendment lost.\n"
        "(4) The Chairman put the substantive motion set out in paragraph 1 to the vote and the voting was as follows:\n"
        "For (39)\nAgainst (19)\nAbstain (1)\nSubstantive Motion carried.\n"
        "(5) RESOLVED that the Council asks to join the Devolution Priority Programme.\n"
        "286. Family Hubs\n(Item 6)\n"
        "(1) RESOLVED that the Council notes the report on Family Hubs.\n",
    )
    result = a.ask("When the council voted in January 2025 on joining the Devolution Priority Programme, what was the final result?")
    assert "For (39)" in result.text and "Substantive Motion carried." in result.text, result.text
    assert "For (14)" not in result.text
    assert all(c.verified for c in result.citations)
    amendment = a.ask("What was the vote on the amendment to the Devolution Priority Programme motion in January 2025?")
    assert "For (14)" in amendment.text and "Amendment lost." in amendment.text, amendment.text
    uncounted = a.ask("How many councillors voted for and against the Family Hubs motion at the council on 9 January 2025?")
    assert uncounted.abstained and "For (" not in uncounted.text, uncounted.text


def test_who_moved_a_motion_is_quoted_from_the_line_that_names_them(tmp_path):
    """'Who moved the motion on X, and who put forward the amendment?' quotes the lines naming the movers, even
    pages before the motion was resolved; 'Proposed by Councillor Ryan (E);' over a resolution names its mover,
    not the one before's."""
    a = _kent_minutes(
        tmp_path,
        "MINUTES of a meeting of the County Council held on Thursday, 9 January 2025.\n\n"
        "285. Devolution Priority Programme\n(Item 5)\n"
        "(1) Mr Gough proposed, and Mr Oakford seconded the motion that\n"
        "“County Council is asked to:\n(1) Endorse the request to join the Devolution Priority Programme\n"
        "(2) Note that joining commits Kent to mayoral elections in May 2026.”\n"
        "(2) Mr Lehmann proposed and Mr Hood seconded the following amendment to the motion set out in paragraph 1:\n"
        "“County Council is asked to:\n(1) Delete the request to join the Devolution Priority Programme and consult residents first.”\n"
        "(3) Following the debate, the Chairman put to the vote the amendment set out in paragraph 2 and the voting was as follows:\n"
        "For (14)\nAgainst (40)\nAbstain (7)\nAmendment lost.\n"
        "(4) The Chairman put the substantive motion set out in paragraph 1 to the vote and the voting was as follows:\n"
        "For (39)\nAgainst (19)\nAbstain (1)\nSubstantive Motion carried.\n"
        "(5) RESOLVED that the County Council endorses the request to join the Devolution Priority Programme.\n"
        "286. Speed Limit Bye-Laws\n(Item 6)\n"
        "Proposed by Councillor Ryan (E);\nSeconded by Councillor Novak;\nAnd Resolved:\n"
        "“That, the Road Traffic (City Centre 30 km/h Speed Limit) Bye-Laws 2023 be and are hereby made.”\n"
        "Proposed by Councillor Novak;\nSeconded by Councillor Butler;\nAnd Resolved:\n"
        "“That, the Road Traffic (Special Speed Limit) Bye-Laws 2023 be and are hereby made.”\n",
    )
    both = a.ask("Who moved the motion on the Devolution Priority Programme in January 2025, and who put forward the amendment to it?")
    assert "Mr Gough proposed, and Mr Oakford seconded" in both.text and "Mr Lehmann proposed and Mr Hood seconded" in both.text, both.text
    assert all(c.verified for c in both.citations)
    byelaws = a.ask("Who proposed the city centre 30 km/h speed limit bye-laws?")
    assert "Proposed by Councillor Ryan (E);" in byelaws.text and "Novak;" not in byelaws.text, byelaws.text


APRIL = """MINUTES OF SPECIAL MEETING OF LIMERICK CITY AND COUNTY COUNCIL HELD ON 5th APRIL 2023

1. Motion on the eviction ban

The Mayor noted that he had received an amendment to the original motion on the eviction ban.

The amended Motion read as follows: that this Council write to the Government to reconsider ending the eviction ban.

The Mayor then directed that a vote be taken on the proposed amendment to the original motion, and the result of the vote was as follows:

**In Favour:**

Councillors Butler, Collins, Donegan **(25)**

**Against:**

Councillors Benson, Carey **(11)**

The Mayor declared the Amended Motion proposed by Councillor J. Sheahan and seconded by Councillor L. Galvin as carried.
"""
MAY = """MINUTES OF SPECIAL MEETING OF LIMERICK CITY AND COUNTY COUNCIL HELD ON 29th MAY 2023

1. Eviction ban motion

The Elected Members agreed based on legal advice to revoke the Motion on the eviction ban carried during the special meeting held on 5th April 2023, when the vote on the eviction ban motion was taken.
"""


def test_a_vote_on_an_amendment_that_became_the_motion_is_the_result_and_from_the_meeting_asked(tmp_path):
    """Where the only vote recorded on an item is an amendment's (carried, it is the motion), 'what was the vote'
    quotes that tally; and it is the meeting the question names, not later minutes recalling its motion."""
    from .conftest import index_texts

    a = index_texts(tmp_path / "c", {"special-meeting-2023-04-05.md": APRIL, "special-meeting-2023-05-29.md": MAY})
    answer = a.ask("At the special meeting on the eviction ban in April 2023, which motion was carried and what was the vote?")
    assert "**(25)**" in answer.text and "**(11)**" in answer.text and "Amended Motion proposed by Councillor J. Sheahan" in answer.text, answer.text
    assert all(c.verified for c in answer.citations)


def test_a_timeline_entry_is_about_a_topic_only_when_it_names_all_of_it():
    from qa.followup import content_terms
    from qa.timeline import about, due_date, titled

    send = content_terms("SEND transport")
    assert titled(send, "173. SEND TRANSPORT UPDATE")
    assert not titled(send, "Home to school transport and SEND strategy review 2025-2030 consultation outcomes")  # a passing mention
    assert not titled(send, "Transport Strategy")
    assert about(send, "SEND TRANSPORT UPDATE", "AGREED: That the report is noted.")
    assert not about(send, "Children's Services Finances", "Transport costs rose.")
    assert not about(set(), "anything")
    assert due_date("2026-01") == date(2026, 1, 1) and due_date("2026-01-15") == date(2026, 1, 15)
    assert due_date(None) is None and due_date("soon") is None


def test_a_commitment_is_due_taken_up_or_overdue_as_far_as_the_papers_tell():
    from index.records import Record
    from index.store import StoredRecord
    from qa.followup import NO_LATER, ON_AGENDA, OPEN, AgendaItem, FollowUp
    from qa.timeline import DUE, PROMISED, build, commitment_status

    def promise(due, follow_up):
        rec = Record("commitment", "Bus lane report to come back in January 2025.", item="4", item_title="Bus lanes",
                     meeting_date=date(2024, 11, 5), pdf_page=3, label="1", due=due)
        return StoredRecord("p", 1, rec, "t.pdf", "Testshire County Council", "Cabinet", follow_up)

    later = AgendaItem("Testshire County Council", "Cabinet", date(2025, 1, 14), "u.pdf", "q", "7", "Bus lanes", 2, "2")
    assert commitment_status(promise("2025-01", FollowUp(ON_AGENDA, later, date(2025, 1, 14))), date(2025, 3, 1)) == "on a later agenda: 2025-01-14 7. Bus lanes"
    assert commitment_status(promise("2025-01", FollowUp(OPEN, None, date(2025, 1, 14))), date(2025, 3, 1)).startswith("overdue")
    assert commitment_status(promise("2025-01", FollowUp(OPEN, None, date(2025, 1, 14))), date(2025, 1, 20)).startswith("due")  # met only within the month
    assert commitment_status(promise("2025-01", FollowUp(NO_LATER)), None) == f"due; {NO_LATER}"

    t = build("bus lanes", [], [promise("2025-01", FollowUp(OPEN, None, date(2025, 1, 14)))], lambda council, committee: date(2025, 3, 1))
    assert [e.kind for e in t.entries] == [PROMISED, DUE] and t.entries[1].status.startswith("overdue")
    assert build("bus lanes", [], [promise(None, None)], lambda *_: None).entries[0].kind == PROMISED  # no due month: no due entry
    assert build("bus lanes", [], [promise("2025-01", None)], lambda *_: None, council="Kent").entries == []  # another council's


def test_a_kent_topic_timeline_spans_cabinet_and_full_council(tmp_path):
    """The Family Hubs call-in: reported to Cabinet on 4 March 2025, resolved by Full Council on 13 March. Kent's
    whole folder, without a manifest, as a user has it (a paper's council and committee come from its folder's
    consensus, which a folder of two papers does not give; about 30 s here with the tests' hash embedder)."""
    import shutil

    from qa.assistant import Assistant
    from qa.config import load_settings
    from qa.timeline import DECIDED, REPORTED

    from .conftest import SHARED

    kent = SHARED / "corpus" / "kent-cc"
    if not kent.is_dir():
        pytest.skip(f"the shared corpus is not at {kent.parent}")
    shutil.copytree(kent, tmp_path / "papers" / "kent-cc")
    a = Assistant(load_settings(data_dir=tmp_path / "index"), create=True)
    assert a.index([tmp_path / "papers"]).ok
    t = a.timeline("Family Hubs", council="kent")
    by_committee = {(e.committee, e.kind, e.meeting_date.isoformat()) for e in t.entries}
    assert ("Cabinet", REPORTED, "2025-03-04") in by_committee, by_committee
    assert ("Full Council", DECIDED, "2025-03-13") in by_committee, by_committee
    full = next(e for e in t.entries if e.kind == DECIDED)
    assert full.in_force and full.item.startswith("300") and full.page == "9"
    assert [t.when(e) for e in t.entries] == sorted(t.when(e) for e in t.entries)


def test_what_was_agreed_says_when_a_later_meeting_decided_again(papers):
    """An October decision, then a December one on the same topic: asked about October, the answer quotes October
    and its notice names the later decision; asked about the latest, nothing is said."""
    from qa.assistant import Assistant
    from qa.config import load_settings

    october = (papers / "testshire-transport-2025-10-28-minutes.html").read_text(encoding="utf-8")
    december = (
        october.replace("28th October, 2025", "9th December, 2025")
        .replace(">52.<", ">61.<")
        .replace("That the scheme be extended to Southgate.", "That the Southgate extension of the cycle lanes be paused.")
    )
    (papers / "testshire-transport-2025-12-09-minutes.html").write_text(december, encoding="utf-8")
    a = Assistant(load_settings(), create=True)
    assert a.index([papers]).ok
    then = a.ask("What was agreed about the cycle lanes in October?")
    assert "extended to Southgate" in then.text
    assert "a later meeting also decided on this: 9 Dec 2025, Transport Scrutiny Commission, item 61. Cycle Lanes" in then.notice
    now = a.ask("What was agreed about the cycle lanes?")
    assert "paused" in now.text and "later meeting" not in now.notice
    assert [e.meeting_date.isoformat() for e in a.timeline("cycle lanes").entries if e.kind == "decided"] == ["2025-10-28", "2025-12-09"]



def test_the_amendment_to_a_motion_is_the_one_moved_under_its_item_though_its_words_name_another_subject():
    """Topic search finds the motion on disposable vapes; the amendment moved under the same item says only "action
    on litter", so "who put forward the amendment to it?" looks at that item's amendments right after the motion."""
    from index.decisions import Record
    from index.store import StoredRecord
    from qa.answerers import Answerers
    from qa.intent import parse

    def rec(n: int, item: str, kind: str, text: str) -> StoredRecord:
        return StoredRecord("p1", n, Record(type="decision", text=text, kind=kind, item=item), "m.md", "Kent County Council", "Full Council")

    motion = rec(0, "308", "resolved", "County Council supports a ban on disposable vapes.")
    amendment = rec(1, "308", "amendment carried", "The proposer and seconder of the original motion agreed to the amendment")
    other = rec(2, "309", "amendment lost", "Reduce the waste reserve to fund cameras.")

    class Items:
        def for_items(self, keys, type_="decision"):
            return [r for r in (motion, amendment, other) if (r.paper_id, r.record.item) in keys]

    class Movers(Answerers):  # only what the ordering reads: the register
        def __init__(self):
            self.register = Items()

    asked = parse("Who moved the motion on disposable vapes, and who put forward the amendment to it?").parts[1]
    assert [r.n for r in Movers()._with_amendments([motion, other], asked)] == [0, 1, 2]
    plain = parse("Who moved the motion on disposable vapes?")
    assert [r.n for r in Movers()._with_amendments([motion, other], plain)] == [0, 2]  # no amendment asked about
