"""Retrieval mechanisms on tiny fixtures: sections around chunks, one hit per passage, date and paper-kind preferences."""

from datetime import date

from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from index.sections import group_sections, join_chunks
from index.types import Chunk, DocType, Span
from qa.intent import parse
from qa.retrieve import DocTypePreference, MeetingDateBoost, collapse_duplicates
from qa.types import Hit


def _chunk(n: int, text: str, page: int, heading: str = "5. BUDGET", paper: str = "p1", **kw) -> Chunk:
    return Chunk(
        id=f"{paper}-{n}",
        paper_id=paper,
        source=kw.pop("source", f"{paper}.pdf"),
        text=text,
        spans=[Span(0, len(text), page - 1, page, str(page))],
        heading=heading,
        item=heading.split(".")[0],
        position=n,
        **kw,
    )


def test_join_keeps_each_lines_page():
    a = _chunk(0, "First line on page one.", 1)
    b = _chunk(1, "Second chunk on page two.", 2)
    c = _chunk(2, "More of page two.", 2)
    joined = join_chunks([a, b, c])
    assert joined.text == "First line on page one.\nSecond chunk on page two.\nMore of page two."
    assert [(s.pdf_page, joined.text[s.start : s.end]) for s in joined.spans] == [
        (1, "First line on page one."),
        (2, "Second chunk on page two.\nMore of page two."),
    ]
    assert joined.span_at(joined.text.index("More")).pdf_page == 2


def test_sections_follow_headings_and_split_long_runs_evenly():
    words = " ".join(["word"] * 100)
    chunks = [_chunk(i, words, 1 + i // 2) for i in range(5)]  # item 5: 500 words
    chunks += [_chunk(5, "Item six text.", 3, heading="6. TRANSPORT")]
    sections = group_sections(chunks, max_words=300)
    by_heading = [(s.chunk.heading, len(s.children)) for s in sections]
    assert by_heading == [("5. BUDGET", 3), ("5. BUDGET", 2), ("6. TRANSPORT", 1)]
    assert sorted(c for s in sections for c in s.children) == sorted(c.id for c in chunks)


def test_sections_never_cross_papers_or_meetings():
    a = _chunk(0, "Minutes of September.", 1, meeting_date=date(2025, 9, 23))
    b = _chunk(1, "Report for October.", 2, meeting_date=date(2025, 10, 28))
    c = _chunk(2, "Another paper.", 1, paper="p2")
    assert len(group_sections([a, b, c], max_words=1000)) == 3


def test_a_copy_of_a_passage_is_one_hit_citing_the_paper_published_with_its_meeting():
    text = "RESOLVED that the capital programme 2025-35 be approved with the amendments set out in the report, and that the Leader write to the Secretary of State."
    feb = date(2025, 2, 13)
    pack = _chunk(0, text + " Signed as a correct record.", 12, source="2025-03-13/Minutes_of_Previous_Meeting.pdf", meeting_date=feb)
    own = _chunk(0, text, 3, paper="p2", source="2025-02-13/Printed_minutes_13th-Feb-2025.pdf", meeting_date=feb)
    other = _chunk(0, "Home to school transport costs rose by £5.6m.", 4, paper="p3")
    hits = collapse_duplicates([Hit(pack, 0.9), Hit(other, 0.8), Hit(own, 0.7)], overlap=0.6)
    assert [h.chunk.source for h in hits] == ["2025-02-13/Printed_minutes_13th-Feb-2025.pdf", "p3.pdf"]
    assert hits[0].score == 0.9 and hits[0].also_in == ["2025-03-13/Minutes_of_Previous_Meeting.pdf"]


def test_minutes_quoting_a_motion_paper_are_the_hit_kept():
    # the minutes print the motion's words and who moved it; the motion paper only its words
    motion = "This Council believes that immediate and decisive action is needed to address the environmental and public health risks posed by disposable vapes."
    day = date(2025, 3, 13)
    paper = _chunk(0, motion, 1, source="2025-03-13/Motion_for_Time_Limited_Debate.pdf", meeting_date=day, doc_type=DocType.REPORT)
    minutes = _chunk(0, "Mr Hood proposed, and Ms Hawkins seconded the motion that " + motion, 16, paper="p2", source="2025-03-13/Printed_minutes.pdf", meeting_date=day, doc_type=DocType.MINUTES)
    hits = collapse_duplicates([Hit(paper, 0.8), Hit(minutes, 0.5)], overlap=0.6)
    assert [(h.chunk.source, h.score, h.also_in) for h in hits] == [("2025-03-13/Printed_minutes.pdf", 0.8, ["2025-03-13/Motion_for_Time_Limited_Debate.pdf"])]


def test_an_amendment_restating_its_motion_is_not_a_copy_but_a_repeated_statement_is():
    motion = "This Council believes that immediate and decisive action is needed to address the environmental and public health risks posed by disposable vapes."
    moved = _chunk(0, "Mr Hood proposed, and Ms Hawkins seconded the motion that " + motion, 15, heading="308. Motion")
    amended = _chunk(3, "Mr Watkins proposed and Mr Brazier seconded the following amendment: " + motion.replace("immediate", "considered"), 17, heading="308. Motion")
    assert len(collapse_duplicates([Hit(amended, 0.9), Hit(moved, 0.8)], overlap=0.6)) == 2
    # the same answer printed twice in one pack, where no minute item says it is one debate
    again = [_chunk(n, motion + " We will continue to work with partners.", 20 + n, heading="") for n in (0, 5)]
    assert len(collapse_duplicates([Hit(again[0], 0.9), Hit(again[1], 0.8)], overlap=0.6)) == 1


def test_passages_that_merely_share_boilerplate_stay_apart():
    a = _chunk(0, "Apologies for absence were received from Mr Smith. The Cabinet noted the budget monitoring position for quarter three.", 1)
    b = _chunk(0, "Apologies for absence were received from Mr Smith. Members discussed the school transport policy and its costs at length.", 1, paper="p2")
    assert len(collapse_duplicates([Hit(a, 1.0), Hit(b, 0.9)], overlap=0.6)) == 2


def _node(text: str, meeting: str, doc_type: str = "report") -> NodeWithScore:
    return TextNode(text=text, metadata={"meeting_date": meeting, "doc_type": doc_type})


def test_the_meeting_date_decides_between_passages_on_the_topic_only():
    topical = NodeWithScore(node=_node("SEND transport saving of £900,000", "2025-09-23"), score=1.0)
    same_meeting_off_topic = NodeWithScore(node=_node("Apologies and declarations", "2025-10-28"), score=0.4)
    same_meeting_topical = NodeWithScore(node=_node("SEND transport update", "2025-10-28"), score=0.9)
    intent = parse("What was said on 28 October 2025 about SEND transport?")
    out = MeetingDateBoost(day_boost=0.3, month_boost=0.15, hints=intent.dates).postprocess_nodes(
        [topical, same_meeting_off_topic, same_meeting_topical], QueryBundle(intent.question)
    )
    assert [n.node.text for n in out] == ["SEND transport update", "SEND transport saving of £900,000", "Apologies and declarations"]


def test_questions_naming_a_kind_of_paper_prefer_it():
    minutes = NodeWithScore(node=_node("Net budget £449.2m was noted", "2025-02-13", "minutes"), score=1.0)
    report = NodeWithScore(node=_node("Net budget £449.2m, +4.5%", "2025-02-13", "report"), score=0.9)
    intent = parse("What net budget does the report set out?")
    out = DocTypePreference(boost=0.15, kinds=intent.doc_types).postprocess_nodes([minutes, report], QueryBundle(intent.question))
    assert out[0].node.metadata["doc_type"] == "report"


def test_a_pack_copy_of_minutes_is_left_out_and_the_minutes_own_paper_kept():
    from index.sections import Section, find_copies

    minutes = " ".join(f"Paragraph {i}: Mr Oakford proposed and Mr Gough seconded the budget motion, which was carried." for i in range(12))
    feb = date(2025, 2, 13)
    own = _chunk(0, minutes, 3, paper="own", source="2025-02-13/Printed_minutes.pdf", meeting_date=feb, doc_type=DocType.MINUTES)
    copy = _chunk(0, minutes, 9, paper="pack", source="2025-03-13/Minutes_of_Previous_Meeting.pdf", meeting_date=feb, doc_type=DocType.MINUTES)
    report = _chunk(1, "A report that quotes one line: Mr Oakford proposed and Mr Gough seconded the budget motion. " + " ".join(
        f"Its own analysis of the capital programme, part {i}, with figures and risks set out." for i in range(10)
    ), 4, paper="rep", source="2025-02-13/Budget_report.pdf", meeting_date=feb)
    sections = [Section(c, [c.id]) for c in (own, copy, report)]
    assert find_copies(sections) == {copy.id: own.id}
