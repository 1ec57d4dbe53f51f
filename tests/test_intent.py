"""The question, parsed once: what it asks, which meetings and kind of paper it names, how papers word it."""

from datetime import date

import pytest

from index.types import DocType
from qa.intent import (
    COMMITMENT,
    DATE,
    DECISION,
    FIGURE,
    PERSON,
    PLACE,
    REASON,
    VOTE,
    Context,
    DateHint,
    committee_patterns,
    context_after,
    date_hints,
    follow_up,
    parse,
    topic_words,
)


@pytest.mark.parametrize(
    "question, asks",
    [
        ("How many children will Leicester now be allocated?", {FIGURE}),
        ("How much was SEND transport over budget?", {FIGURE}),
        ("What percentage rise is the net budget?", {FIGURE}),
        ("What saving was SEND transport on track to deliver?", {FIGURE}),
        ("What would it fall to once the June 2026 proposals were approved?", {FIGURE}),  # "once ... approved" says when
        ("How far below budget was that?", {FIGURE}),
        ("What did the council resolve when it reviewed the decision?", {DECISION}),
        ("What is the 2025-26 net budget for the directorate?", {FIGURE}),
        ("What annual rate on valuation did the council set?", {FIGURE}),
        ("What is the pay range for the top grade?", {FIGURE}),
        ("What is the indicative supply of 15-hour places?", {FIGURE}),
        ("What is Kent's Public Health grant for 2025-26?", {FIGURE}),
        ("What is Kent's confirmed Public Health grant for 2025-26?", {FIGURE}),
        ("When is the next SEND transport update due?", {DATE, COMMITMENT}),
        ("By when must the plan be submitted?", {DATE}),
        ("What are the government deadlines for the plans?", {DATE}),
        ("What is the timetable for reorganisation?", {DATE}),
        ("Who chaired the meeting?", {PERSON}),
        ("Which councillor asked about school places?", {PERSON}),
        ("Where was the meeting held?", {PLACE}),
        ("Where was the money for the cameras meant to come from?", set()),  # a source of funds, not a place
        ("What was the children's directorate forecasting?", {FIGURE}),
        ("What was agreed about SEND transport?", {DECISION}),
        ("What did the committee decide on the budget?", {DECISION}),
        ("Which budget amendments were lost on 13 February 2025?", {VOTE}),
        ("Who moved the motion on disposable vapes, and who put forward the amendment?", {PERSON, VOTE}),
        ("What was the vote on the devolution motion?", {VOTE}),
        ("When the council voted in January on devolution, what was the final result?", {DATE, VOTE}),
        ("In July 2023, what happened when councillors voted on deferring the bye-laws?", {VOTE}),  # not a when-question
        ("From when does the service move to adult social care?", {DATE}),
        ("What is the status of the greenway, and when will consultants be brought in?", {DATE}),
        ("Who voted in the youth council elections?", {PERSON}),  # not a vote of the council's own
        ("What did officers promise to bring back to the committee?", {COMMITMENT}),
        ("Why was the number 73 bus withdrawn?", {REASON}),
        ("What were the reasons for the overspend?", {REASON}),
        ("What does the report say about home to school transport?", set()),
        ("What's the net budget for home to school transport in 2025-26?", {FIGURE}),
        ("What do the two family hub contracts cost each year?", {FIGURE}),  # cost, the verb
        ("What did the commission recommend about help with school uniform costs?", set()),  # costs, the topic
    ],
)
def test_what_a_question_asks(question, asks):
    assert parse(question).asks == asks


@pytest.mark.parametrize(
    "question, hints",
    [
        ("at the September 2025 meeting", [DateHint(None, 9, 2025)]),
        ("on 28 October", [DateHint(28, 10, None)]),
        ("on 23rd September 2025", [DateHint(23, 9, 2025)]),
        ("what may the council do", []),
        ("May the council borrow in May?", [DateHint(None, 5, None)]),
        ("when councillors met again at the end of May", [DateHint(None, 5, None)]),
        ("In the final budget put to full council in February 2025", [DateHint(None, 2, 2025)]),
    ],
)
def test_the_meetings_a_question_names(question, hints):
    assert date_hints(question) == hints
    assert list(parse(question).dates) == hints


def test_a_named_month_is_the_meeting_and_a_day_only_matches_its_day():
    assert DateHint(None, 9, 2025).score(date(2025, 9, 23)) == "day"
    assert DateHint(28, 10, None).score(date(2025, 10, 23)) == "month"
    assert DateHint(None, 9, 2025).score(date(2024, 9, 23)) is None
    assert parse("at the September 2025 meeting").at(date(2025, 9, 23))
    assert not parse("at the September 2025 meeting").at(date(2025, 10, 28))
    assert parse("What was agreed?").at(None)  # no meeting named: any


@pytest.mark.parametrize(
    "question, kinds",
    [
        ("What do the minutes say about the vote?", {DocType.MINUTES}),
        ("In the budget report, what is the net budget?", {DocType.REPORT, DocType.APPENDIX}),
        ("What does Appendix G show for children's services?", {DocType.APPENDIX, DocType.REPORT}),
        ("What does the decision notice record?", {DocType.DECISION}),
        ("Who chaired the meeting?", set()),
    ],
)
def test_the_kind_of_paper_a_question_names(question, kinds):
    assert parse(question).doc_types == kinds


@pytest.mark.parametrize(
    "question, outcome, about, listing, result, count",
    [
        ("Which budget amendments were lost on 13 February 2025?", "lost", "amendment", True, False, False),
        ("Which motions were carried?", "carried", "motion", True, False, False),
        ("What was the vote on the amendment to the budget?", None, "amendment", False, True, True),
        ("How many members voted for the motion on vapes?", None, "motion", False, True, True),
        ("Who seconded the amendment?", None, "amendment", False, False, False),
        ("How many votes did the winning candidate get?", None, None, False, True, True),
        ("How did councillors vote on the bye-laws?", None, None, False, True, False),
    ],
)
def test_what_a_vote_question_wants(question, outcome, about, listing, result, count):
    i = parse(question)
    assert VOTE in i.asks
    assert (i.outcome, i.about, i.listing, i.vote_result, i.vote_count) == (outcome, about, listing, result, count)


@pytest.mark.parametrize(
    "question, words",
    [
        ("Where was the meeting held?", "venue"),
        ("Who moved the motion on vapes?", "proposed seconded"),
        ("Who put forward the amendment?", "proposed seconded"),
        ("What was the result when members voted on devolution?", "carried lost"),
        ("Did Uisce Éireann turn up to the special meeting?", "attend"),
        ("Who moved it, and where was the money meant to come from?", "funded funding reserve"),
        ("How was the smoke-free spaces project funded?", "funded funding reserve"),
    ],
)
def test_keyword_search_reads_how_papers_word_the_question(question, words):
    i = parse(question)
    assert i.keywords.startswith(question) and words in i.keywords
    assert words in i.wording  # and an answer may hold the papers' words instead of the question's


def test_a_plain_question_is_searched_as_asked():
    assert parse("What was agreed?").keywords == "What was agreed?"


@pytest.mark.parametrize(
    "question, named",
    [
        ("What is Kent's net budget for 2025-26?", ("Kent County Council",)),
        ("What did KCC agree on devolution?", ("Kent County Council",)),
        ("What did the West of England Combined Authority say about mass transit?", ("West of England Combined Authority",)),
        ("What did WECA say about mass transit?", ("West of England Combined Authority",)),
        ("How did Limerick's budget change?", ("Limerick City and County Council",)),
        ("What was agreed about SEND transport?", ()),
        ("Did Kent and Leicester both discuss SEND?", ("Kent County Council", "Leicester City Council")),
    ],
)
def test_the_councils_a_question_names_of_those_indexed(question, named):
    known = ["Kent County Council", "Leicester City Council", "Limerick City and County Council", "West of England Combined Authority"]
    assert parse(question, known).councils == named
    assert parse(question).councils == ()  # none indexed: none named


@pytest.mark.parametrize(
    "question, parts",
    [
        ("Who moved the motion on vapes, and who put forward the amendment to it?", ["Who moved the motion on vapes", "who put forward the amendment to it"]),
        ("What happened to the tourism scheme and where did its money go?", ["What happened to the tourism scheme", "where did its money go"]),
        ("How much for rail and how much for active travel?", ["How much for rail", "how much for active travel"]),
        ("Which motion was carried and what was the vote?", ["Which motion was carried", "what was the vote"]),
        ("What did the report say? When is it due back?", ["What did the report say", "When is it due back"]),
        ("How much Social Care Grant is Kent getting in 2025-26 compared with 2024-25?", []),
        ("When did the notice begin, and roughly how many consumers did it hit?", ["When did the notice begin", "roughly how many consumers did it hit"]),
        ("Who were elected Mayor and Deputy Mayor?", []),  # one question about two people
        ("What was agreed about home to school and SEND transport?", []),
    ],
)
def test_the_parts_of_a_question_asking_two_things(question, parts):
    i = parse(question)
    assert [p.question for p in i.parts] == parts
    assert all(not p.parts for p in i.parts)


def test_each_part_says_what_it_asks():
    i = parse("What is the net budget for children's services, and what percentage rise is that?")
    assert [p.asks for p in i.parts] == [{FIGURE}, {FIGURE}]
    i = parse("When were the bye-laws made, and who proposed them?")
    assert [p.asks for p in i.parts] == [{DATE}, {PERSON}]


def test_a_part_is_about_the_meeting_and_council_the_whole_question_names():
    i = parse("Who moved the motion on vapes at Kent's March 2025 council, and who put forward the amendment to it?", ["Kent County Council"])
    second = i.parts[1]
    assert second.question == "who put forward the amendment to it"
    assert second.dates == (DateHint(None, 3, 2025),) and second.councils == ("Kent County Council",)
    assert VOTE in second.asks and PERSON in second.asks


@pytest.mark.parametrize(
    "question, refers",
    [
        # "it", "that cohort", "is that": about what the other part names
        ("When did the boil water notice begin, and roughly how many consumers did it hit?", [False, True]),
        ("When does the service move to adult social care, and how many young people are in that cohort?", [False, True]),
        ("What is the net budget for children's services, and what percentage rise is that?", [False, True]),
        # "that" joining a clause is not
        ("What did the report say that the council should do, and who seconded the motion that was carried?", [False, False]),
    ],
)
def test_a_part_saying_it_is_searched_and_matched_with_the_words_of_the_part_it_stands_for(question, refers):
    i = parse(question)
    assert [bool(p.refers_to) for p in i.parts] == refers
    for p, other in zip(i.parts, reversed(i.parts)):
        if p.refers_to:
            assert p.refers_to == other.question and other.question in p.keywords
        else:
            assert p.keywords.startswith(p.question) and other.question not in p.keywords


def test_the_years_a_question_asks_about_beyond_the_meetings_it_names():
    assert parse("How much did Limerick spend on Riverfest in 2023?").years == {2023}
    assert parse("At the March 2026 meeting, what revenue spend was forecast for 2025/26?").years == {2025, 2026}
    assert parse("What was agreed at the September 2025 meeting?").years == set()
    i = parse("What rate did Limerick set for 2023, and who proposed it?")
    assert [p.years for p in i.parts] == [{2023}, {2023}]  # a part is about the years the whole names


COMMITTEES = ["Cabinet", "County Council", "Children, Young People and Education Scrutiny Commission", "Economic Strategic Policy Committee"]


@pytest.mark.parametrize(
    "question, named",
    [
        ("What did the Cabinet decide on Family Hubs?", ("Cabinet",)),
        ("What did the Children, Young People and Education Scrutiny Commission note?", ("Children, Young People and Education Scrutiny Commission",)),
        ("What did the Children, Young People and Education commission hear?", ("Children, Young People and Education Scrutiny Commission",)),
        ("What did CYPE Scrutiny Commission note?", ("Children, Young People and Education Scrutiny Commission",)),
        ("What did CYPE say?", ("Children, Young People and Education Scrutiny Commission",)),
        ("What did the Economic SPC discuss?", ()),  # "SPC" is not the committee's acronym: "Economic" alone is one word
        ("What was agreed on SEND transport?", ()),
        ("Was the cabinetry budget agreed?", ()),  # a word containing a name is not the name
    ],
)
def test_the_committees_a_question_names_of_those_indexed(question, named):
    assert parse(question, committees=COMMITTEES).committees == named
    assert parse(question).committees == ()  # none indexed: none named


def test_a_committee_acronym_is_matched_only_in_capitals():
    rx = committee_patterns(frozenset(COMMITTEES))["Children, Young People and Education Scrutiny Commission"]
    assert rx.search("did CYPE agree")
    assert not rx.search("did cype agree")


@pytest.mark.parametrize(
    "question, topic",
    [
        ("What was agreed on SEND transport?", "SEND transport"),
        ("and in January?", ""),
        ("who presented it?", ""),
        ("What did the Cabinet decide about Family Hubs?", "Family Hubs"),
        ("How many children arrived via the National Transfer Scheme?", "children arrived via National Transfer Scheme"),
        ("What was said at the 28 October 2025 meeting?", ""),
        ("Did Uisce Éireann attend?", "Uisce Éireann attend"),  # a word may start with a letter of any alphabet
    ],
)
def test_what_a_question_is_about_in_its_own_words(question, topic):
    assert topic_words(question, committees=COMMITTEES) == topic


SEND = Context(
    topic="SEND transport",
    councils=("Leicester City Council",),
    committees=("Children, Young People and Education Scrutiny Commission",),
)


def test_a_follow_up_that_goes_on_inherits_topic_council_committee_and_asks_its_own_month():
    i = follow_up(parse("and in January?"), SEND)
    assert i.follows == "SEND transport"
    assert i.question == "and in January? (SEND transport)"  # searched and matched with the topic's words
    assert "SEND transport" in i.keywords
    assert i.councils == SEND.councils and i.committees == SEND.committees
    assert [(h.month, h.year) for h in i.dates] == [(1, None)]


def test_a_follow_up_saying_it_inherits_the_topic_but_not_a_month_the_last_question_searched():
    after_january = context_after(follow_up(parse("and in January?"), SEND), SEND.councils, SEND.committees)
    assert after_january.topic == "SEND transport"  # still the conversation's topic, not "January"
    assert after_january.describe() == "SEND transport · Leicester City Council · Children, Young People and Education Scrutiny Commission · January"
    i = follow_up(parse("who presented it?"), after_january)
    assert i.follows == "SEND transport" and i.dates == ()


def test_a_follow_up_saying_it_keeps_a_meeting_named_by_its_day():
    day = context_after(parse("What was agreed on SEND transport on 23 September 2025?"), SEND.councils, SEND.committees)
    assert day.day_named
    i = follow_up(parse("who presented it?"), day)
    assert [(h.day, h.month, h.year) for h in i.dates] == [(23, 9, 2025)]


@pytest.mark.parametrize(
    "question",
    [
        "What saving did adventure playgrounds deliver this year?",
        "How many children arrived via the National Transfer Scheme?",
        "Where was the youth justice plan approved?",
    ],
)
def test_a_question_with_a_topic_of_its_own_starts_a_new_one(question):
    intent = parse(question)
    assert follow_up(intent, SEND) == intent


def test_a_question_of_its_own_council_or_committee_keeps_them_in_a_follow_up():
    i = follow_up(parse("and what did the Cabinet say?", committees=COMMITTEES), SEND)
    assert i.follows == "SEND transport" and i.committees == ("Cabinet",) and i.councils == SEND.councils


def test_without_a_conversation_a_question_stands_alone():
    intent = parse("who presented it?")
    assert follow_up(intent, None) == intent
    assert follow_up(intent, Context()) == intent


def test_the_conversation_survives_a_round_trip_as_json():
    import json

    c = Context(topic="SEND transport", councils=("Leicester City Council",), dates=(DateHint(23, 9, 2025),), day_named=True)
    assert Context.from_dict(json.loads(json.dumps(c.to_dict()))) == c


def test_the_kind_of_figure_asked_is_read_once():
    from qa.intent import MONEY, PERCENT, figure_unit

    assert figure_unit("What do the two family hub contracts cost each year?") == MONEY
    assert figure_unit("What is the 2025-26 net budget for the directorate?") == MONEY
    assert figure_unit("what percentage rise is that") == PERCENT
    assert figure_unit("How many children will Leicester now be allocated?") is None  # a count
    assert figure_unit("What council tax increase did the budget propose?") is None  # a change: a rate or an amount
    assert figure_unit("How much did Kent expect to raise from the 2.99% council tax rise?") is None  # a rate it states
    assert parse("What do the contracts cost, and when do they end?").parts[0].unit == MONEY
    assert figure_unit("How much was pencilled in for rail?") == MONEY  # "how much" asks for money in council papers
    assert figure_unit("How much land was released for housing?") is None  # unless it names another measure


def test_a_part_naming_its_own_date_does_not_take_the_years_another_part_names():
    i = parse("How many live births were there in Kent in 2022, and how many children had an EHCP as of January 2024?")
    assert 2022 in i.parts[0].years and i.parts[1].years == frozenset()  # "as of January 2024" is its own date
    j = parse("What was the net budget for 2025-26, and how much of it went to transport?")
    assert j.parts[1].years == {2025, 2026} and j.parts[1].financial_years == {2025}  # "it" is about 2025-26


def test_what_happened_to_a_matter_asks_its_outcome():
    from qa.intent import OUTCOME

    assert OUTCOME in parse("What happened to the eviction ban motion carried in April 2023?").asks
    assert OUTCOME in parse("What became of the proposed Tourism Sector Support Scheme?").asks
    assert OUTCOME not in parse("What was agreed on SEND transport?").asks


def test_a_second_question_may_start_with_a_preposition():
    from qa.intent import question_parts

    assert question_parts("How much money has the region been allocated, and by what date must the plan go to the DfT?") == [
        "How much money has the region been allocated", "by what date must the plan go to the DfT"]
    assert question_parts("Who chaired the meeting, and for how long did it sit?")[1] == "for how long did it sit"
    assert len(question_parts("What was agreed on bins and roads?")) == 1  # "and" joining two things asked about
