"""Ranking candidate sentences: key terms and what the question asks for every sentence, meaning for the best."""

import pytest

from index.types import Chunk, Span
from qa.answer import Candidates, Scored
from qa.intent import parse
from qa.types import Hit


class CountingEmbedder:
    """Embeds by word presence over a tiny vocabulary, and counts what it was asked to embed."""

    vocab = ["route", "saving", "bus", "library", "hours"]

    def __init__(self):
        self.embedded: list[str] = []

    def _vec(self, text: str) -> list[float]:
        words = text.lower()
        return [1.0 if w in words else 0.0 for w in self.vocab] + [0.1]

    def get_text_embedding_batch(self, texts):
        self.embedded.extend(texts)
        return [self._vec(t) for t in texts]

    def get_query_embedding(self, text):
        return self._vec(text)


def _stem(text: str) -> set[str]:
    return {w.strip(".,?£").lower() for w in text.split()}


def _hit(text: str) -> Hit:
    return Hit(Chunk(id="c1", paper_id="p1", source="p1.pdf", text=text, spans=[Span(0, len(text), 0, 1, "1")]), 1.0)


def test_only_the_best_sentences_by_key_terms_are_embedded_and_each_once():
    text = "\n".join(
        [
            "Withdrawing route 7 would save £120,000 a year.",
            "The library opening hours were extended on Saturdays.",
            "Members thanked officers for the report.",
            "The meeting closed at 8pm.",
        ]
    )
    embedder = CountingEmbedder()
    pool = Candidates([_hit(text)], embedder, dense_top=2)
    intent = parse("How much would withdrawing route 7 save?")
    weights = {"withdrawing": 2.0, "route": 2.0, "7": 1.0, "save": 1.0}
    ranked = pool.rank(intent, weights, _stem)
    assert ranked[0].sentence.text.startswith("Withdrawing route 7")
    assert len(embedder.embedded) == 2  # four candidates, two compared by meaning
    assert len(ranked) == 4  # the others still ranked, by key terms alone
    pool.rank(intent, weights, _stem)
    assert len(embedder.embedded) == 2  # a second ranking (another part of the question) embeds nothing again


def test_the_fitted_ranker_matches_the_features_and_says_how_it_was_fitted(tmp_path):
    import json

    import pytest

    from qa.answer import FEATURES, RANKER_FILE, Ranker

    r = Ranker.load()
    assert len(r.weights) == len(FEATURES) and 0 <= r.min_probability < 1
    info = json.loads(RANKER_FILE.read_text())
    assert info["fitted_on"] == ["eval/questions.jsonl"]  # never the dev set
    cv = info["cross_validation"]
    assert len(cv["by_c"][str(cv["chosen_c"])]) == cv["folds"] == 5
    stale = tmp_path / "ranker.json"
    stale.write_text(json.dumps({**info, "features": FEATURES[:-1]}))
    with pytest.raises(ValueError, match="refit"):
        Ranker.load(stale)


def test_a_year_the_question_names_that_no_passage_holds_is_named():
    from qa.answer import missing_figures

    hits = [_hit("Riverfest spending was €321,821.62 in 2022 and €15,754.75 in 2021.")]
    weights = {"riverfest": 2.0, "spend": 1.0, "2023": 1.5}
    assert missing_figures(weights, hits, _stem) == ["2023"]
    assert missing_figures({"riverfest": 2.0, "2022": 1.5}, hits, _stem) == []
    assert missing_figures({"riverfest": 2.0}, hits, _stem) == []


def test_a_near_miss_abstains_and_says_why(tmp_path):
    from .conftest import index_texts

    a = index_texts(tmp_path / "c", {"festivals-2022-12-12.md": "Festivals and events\n\nRiverfest cost €321,821.62 in 2022 and €15,754.75 in 2021.\n"})
    answer = a.ask("How much did the council spend on Riverfest in 2023?")
    assert answer.abstained and "2023" in answer.notice, (answer.text, answer.notice)
    assert "mentions" not in a.ask("How much did the council spend on Riverfest in 2022?").notice  # 2022 is there


RIVERFEST = """Festivals and events

Spending on Riverfest was reported to the Council by year.

In 2021 Riverfest cost €15,754.75.

In 2022 Riverfest cost €321,821.62.

The Festivals and Events Strategy 2023-2027 was noted.
"""


def test_units_naming_only_other_years_do_not_answer_for_the_year_asked(tmp_path):
    from .conftest import index_texts

    # the meeting is in 2023, so the year is in every passage's header: the rows name 2020-2022 only
    a = index_texts(tmp_path / "c", {"council-2023-01-23.md": RIVERFEST})
    answer = a.ask("How much did the council spend on Riverfest in 2023?")
    assert answer.abstained and "not 2023" in answer.notice and "2022" in answer.notice, (answer.text, answer.notice)
    answer = a.ask("How much did the council spend on Riverfest in 2022?")
    assert not answer.abstained and "321,821.62" in answer.text, answer.text


CONTENTS = (
    "Budget monitoring\n\n1 | Revenue forecast overspend and headlines .................................... 3\n\n"
    "2.1 The revenue forecast overspend is £23.3m for the year.\n"
)
PILOT = (
    "Families First\n\nThe Family Help pilot will start in one cluster in November 2025.\n\n"
    "The pilot will inform the wider roll-out of Family Help, planned for April 2026.\n"
)


@pytest.mark.parametrize(
    "name, text, question, wanted, unwanted",
    [
        # a contents line is never quoted (nor joined to the sentence after it)
        ("cabinet-2025-01-30.md", CONTENTS, "How much is the revenue forecast overspend?", ["£23.3m"], ["...."]),
        # a quote two parts would both take goes to the part whose terms it holds; the other part finds its own
        ("cype-2025-10-28.md", PILOT, "When does the Family Help pilot start, and when is the wider roll-out planned?", ["November 2025", "April 2026"], []),
    ],
)
def test_what_an_answer_quotes(tmp_path, name, text, question, wanted, unwanted):
    from .conftest import index_texts

    answer = index_texts(tmp_path / "c", {name: text}).ask(question)
    assert all(w in answer.text for w in wanted) and not any(u in answer.text for u in unwanted), (answer.text, answer.notice)


def test_each_part_of_a_two_part_question_is_fitted_to_its_own_items():
    import importlib.util
    from pathlib import Path

    import numpy as np

    from qa.answer import FEATURES

    path = Path(__file__).resolve().parents[1] / "eval" / "fit_ranker.py"
    spec = importlib.util.spec_from_file_location("fit_ranker", path)
    fit = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fit)
    texts = ["Mr Passmore proposed the amendment.", "Reduce the waste reserve by £1m.", "The meeting closed."]
    lexical = FEATURES.index("lexical")
    who, money = np.zeros((3, len(FEATURES))), np.zeros((3, len(FEATURES)))
    who[:, lexical] = [0.9, 0.1, 0.0]  # "who moved the amendment": its terms are in the first unit
    money[:, lexical] = [0.0, 0.8, 0.0]  # "where was the money to come from": in the second
    items = ["Passmore", ["£1m", "1 million"]]
    assert fit.assign_items(items, texts, [who, money]) == [["Passmore"], [["£1m", "1 million"]]]
    assert fit.assign_items(items, texts, [who]) == [items]  # one part asks for everything
    assert fit.assign_items(["nowhere"], texts, [who, money]) == [[], []]  # an item no unit holds labels nothing
    # the part threshold: parts below the question's thresholds (0.06, key terms 0.3) of questions another part answers
    per_q = {
        "a": (True, [(0.5, 0.9, True), (0.04, 0.5, True)], True, 1.0),  # right at 0.04
        "b": (True, [(0.5, 0.9, True), (0.02, 0.5, False)], True, 1.0),  # wrong at 0.02
        "c": (False, [(0.3, 0.9, False), (0.03, 0.5, True)], False, 1.0),  # unanswerable: any answer is wrong
        "d": (True, [(0.01, 0.9, True), (0.03, 0.5, True)], True, 1.0),  # no part passes: the question abstains
        "e": (True, [(0.5, 0.9, True), (0.035, 0.1, True)], True, 1.0),  # too few key terms at any probability
    }
    assert fit.part_threshold(per_q, 0.05, 0.06, 0.3) == (0.04, {"parts_below_thresholds": 3, "answered_right": 1, "answered_wrong": 0})
    assert fit.part_threshold({"b": per_q["b"]}, 0.05, 0.06, 0.3)[0] == 0.06  # nothing gained: the question's own


def test_a_figure_the_question_gives_does_not_answer_it_and_a_time_in_words_answers_when():
    from qa.answer import FEATURES

    text = "\n".join(
        [
            "The MCA has been allocated £868,500 in total.",
            "Avon Fire and Rescue Service will receive £642,082 of it.",
            "Consultants will be procured early next year.",
        ]
    )
    pool = Candidates([_hit(text)], CountingEmbedder(), dense_top=10)
    how_much = parse("How much of the £868,500 grant goes to Avon Fire and Rescue Service?")
    which, x = pool.features(how_much, {"grant": 1.0, "avon": 1.0}, _stem)
    has_number = {pool.sentences[i].text[:12]: bool(x[j, FEATURES.index("figure_has_number")]) for j, i in enumerate(which)}
    assert has_number == {"The MCA has ": False, "Avon Fire an": True, "Consultants ": False}
    when = parse("When will consultants be brought in?")
    which, x = pool.features(when, {"consultants": 1.0}, _stem)
    assert [bool(x[j, FEATURES.index("date_has_date")]) for j in range(len(which))] == [False, False, True]


def test_a_further_part_is_answered_above_the_part_threshold_once_another_part_is(tmp_path, monkeypatch):
    from .conftest import index_texts

    text = "Families First\n\nThe Family Help pilot will start in one cluster in November 2025.\n\nThe pilot is expected to save £1.2m a year.\n\nThe committee thanked officers for the report.\n"
    question = "When does the Family Help pilot start, and how much will the pilot save in its first year?"
    # with the hash embedder the start sentence scores about 0.13 for its part, the saving about 0.07 for its own:
    # the question's threshold (0.1) answers the first part only
    monkeypatch.setenv("QA_ANSWER__MIN_SCORE", "0.1")
    monkeypatch.setenv("QA_ANSWER__MIN_TERMS", "0")
    from qa.answerers import Answerers

    # the thresholds alone: in this one-passage paper the saving also stands beside the start's quote, which answers
    # it whatever the threshold (test_a_part_is_answered_from_the_passage_the_other_part_is_answered_from)
    monkeypatch.setattr(Answerers, "beside", lambda *args: None)
    answers = {}
    for part in ("0", "1"):  # a part threshold above the question's is the question's
        monkeypatch.setenv("QA_ANSWER__MIN_PART_SCORE", part)
        monkeypatch.setenv("QA_HOME", str(tmp_path / part / "index"))
        answers[part] = index_texts(tmp_path / part, {"cype-2025-10-28.md": text}).ask(question)
    low, high = answers["0"], answers["1"]
    assert "November 2025" in low.text and "£1.2m" in low.text and "don't answer" not in low.notice, (low.text, low.notice)
    assert "November 2025" in high.text and "£1.2m" not in high.text and "how much will the pilot save" in high.notice, (high.text, high.notice)


def test_the_words_a_part_saying_it_stands_for_weigh_as_one_of_its_own_terms():
    from qa.answer import key_weights

    idf = {"consumers": 4.0, "hit": 2.0, "boil": 3.0, "water": 1.0, "notice": 2.0}

    def weights(text: str) -> dict[str, float]:
        return {w: idf[w] for w in text.lower().replace("?", "").split() if w in idf}

    i = parse("When did the boil water notice begin, and how many consumers did it hit?")
    whole, second = key_weights(i, weights), key_weights(i.parts[1], weights)
    assert whole == weights(i.question) and key_weights(i.parts[0], weights) == {"boil": 3.0, "water": 1.0, "notice": 2.0}
    # "it" is one word: boil, water and notice share one own term's mean weight (3.0), in their proportions
    assert second == {"consumers": 4.0, "hit": 2.0, "boil": 1.5, "water": 0.5, "notice": 1.0}


def test_a_sentence_broken_after_a_short_line_goes_on_when_the_next_line_is_in_lower_case():
    # as a modern.gov minutes page converts: lines broken anywhere
    text = "He highlighted that overall the position was broadly\nstable.\nRevenue expenditure was\nforecast at £172.1m which was about £4.8m below the\ncurrent budget.\nCapital expenditure was about £29.3m.\n"
    units = [u.text for u in Candidates([_hit(text)], CountingEmbedder(), dense_top=10).sentences]
    assert "Revenue expenditure was forecast at £172.1m which was about £4.8m below the current budget." in units, units
    assert "Capital expenditure was about £29.3m." in units  # a capital letter after a short line starts anew


@pytest.mark.parametrize(
    ("sentence", "states"),
    [
        ("Leicester will now be allocated 87 children.", True),
        ("The budget requirement is £449.2m, a rise of 4.5%.", True),
        ("three schools closed", True),
        ("5. Sale of the Old Library Site, Mill Street (Pages 3 - 4)", False),  # an item's number and its pages
        ("1.2 As part of the programme the centres transitioned to new contracts.", False),  # a paragraph's number
        ("1.5 million people use the buses.", True),
        ("The meeting on 4 December 2025 agreed the 2025-26 plan.", False),  # a day, a year, a financial year
        ("Item 12 was deferred to paragraph 3.2 of the report.", False),
        ("Budget Forecast 2025/26 PDF 208 KB", False),  # a web page's link to a paper, and its size
        ("The report set out the Quarter 3 forecast position for 2025/26.", False),
        ("The grant of £868,500 was split between the services.", False),  # the question's own figure
        ("The two services share the grant.", False),  # the question's own number, in words
    ],
)
def test_a_figure_answer_states_an_amount_not_only_dates_and_references(sentence, states):
    from qa.answer import gives_figure

    assert gives_figure(sentence, "How much of the £868,500 grant went to the two services?") is states


def test_the_papers_wording_weighs_as_one_of_the_questions_terms():
    from qa.answer import key_weights
    from qa.intent import parse

    def weights(text: str) -> dict[str, float]:
        return {w: 1.0 for w in text.lower().replace("?", "").split()}

    got = key_weights(parse("did uisce éireann turn up"), weights)
    extra = {t: w for t, w in got.items() if t in ("attend", "attendance", "apologies")}
    assert set(extra) == {"attend", "attendance", "apologies"} and abs(sum(extra.values()) - 1.0) < 1e-9
    assert key_weights(parse("what was agreed"), weights) == weights("what was agreed")  # no wording: as asked


def test_a_sentence_is_judged_with_the_one_before_it_when_it_says_the_project():
    """'Consultants will be procured early next year to progress the project.' holds little of "the Oola greenway,
    ... when will consultants be brought in?"; the sentence before it names the greenway, so together they hold
    enough of the question to answer its part."""
    from qa.answer import key_share
    from qa.answerers import Answerers

    text = (
        "Limerick to Oola Greenway is at stage 0 and no route has been determined as yet.\n"
        "Consultants will be procured early next year to progress the project."
    )
    pool = Candidates([_hit(text)], CountingEmbedder(), dense_top=2)
    first, second = pool.sentences
    assert pool.before(second) is first and pool.before(first) is None
    weights = {"status": 1.0, "oola": 3.0, "greenway": 2.0, "consultants": 1.0, "brought": 2.0}
    alone = key_share(weights, _stem(second.text))

    class Gate(Answerers):  # only what the gate reads: the stemmer
        def __init__(self):
            self.stem = _stem

    best = Scored(second, 0.5, 0.5, 0.2, alone)
    assert alone < 0.3 <= Gate()._terms_with_before(best, pool, weights)  # 0.3: the fitted min_terms


def test_a_year_written_short_in_a_table_is_not_a_year_missing():
    from qa.answer import missing_figures

    hit = _hit("Headroom to 27/28 stands at £10.8m; in 2025-26 the fund was fully committed.")
    terms = {"headroom": 1.0, "2027": 1.0, "28": 1.0}
    assert missing_figures(terms, [hit], _stem, "How much headroom to 2027/28 was left?") == []
    # a different financial year is still missing: "2026-27" is not "2025-26"
    assert missing_figures({"band": 1.0, "2026": 1.0, "27": 1.0}, [hit], _stem, "What is band D in 2026-27?") == ["2026", "27"]


HEADROOM = """# Investment Fund programme

Joint Committee, 5 June 2026

## 4. Investment Fund headroom

Page 2

The Committee approved eleven schemes in March 2026. With the approvals made at the Committee meeting in March 2026, the headroom within the Investment Fund programme to 2027/28 stands at £10.8m.
Figure 2 lists the schemes seeking approval at this meeting, with their sponsors and the funding each would draw.
Officers have reviewed the profile of spend across the programme and the risks to delivery.
As shown, with these approvals included, the headroom to 2027/28 would stand at £6.6m.
Members are asked to note the position.

## 5. Bus services

Page 3

The bus service improvement plan was refreshed and new timetables start in September.
"""


# other business of the same authority, so that question words ("what", "were", "once") are common, as in real papers
BUSINESS = "\n\n".join(
    f"## {n}. {topic}\n\nMembers asked what the figures were once the year had ended, how much was left after the fall in "
    f"income, and what would happen to {topic.lower()} if the proposals were approved."
    for n, topic in enumerate(["Libraries", "Parks", "Highways", "Housing", "Waste", "Leisure", "Schools", "Planning"], 1)
)


def test_a_part_is_answered_from_the_passage_the_other_part_is_answered_from(tmp_path, monkeypatch):
    """"..., and what would it fall to once the June proposals were approved?" holds few words of its own: its
    answer is looked for beside the first part's quote, and quoted with its own verified citation."""
    from qa.answerers import Answerers

    from .conftest import index_texts

    a = index_texts(tmp_path / "c", {"westshire-joint-committee-2026-06-05-report.md": HEADROOM,
                                      "westshire-joint-committee-2026-01-20-minutes.md": f"# Minutes\n\n{BUSINESS}\n"})
    q = ("How much Investment Fund headroom to 2027/28 was left after the March 2026 approvals, and what would it "
         "fall to once the June 2026 proposals were approved?")
    answer = a.ask(q)
    assert "£10.8m" in answer.text and "£6.6m" in answer.text, answer.text
    assert all(c.verified for c in answer.citations) and "bus" not in answer.text.lower()
    monkeypatch.setattr(Answerers, "beside", lambda *args: None)  # without it the second part goes unanswered
    assert "£6.6m" not in a.ask(q).text


def test_a_unit_states_the_kind_of_figure_asked():
    from index.types import Chunk
    from qa.answer import Sentence, states_unit
    from qa.intent import MONEY, PERCENT

    chunk = Chunk(id="c", paper_id="p", source="s.pdf", text="", spans=[])

    def unit(text, header=None):
        return Sentence(text=text, hit_rank=0, chunk=chunk, page_index=0, pdf_page=1, label="1", header=header)

    assert states_unit(unit("The two contracts cost £426,429.60 a year."), MONEY)
    assert states_unit(unit("A grant of just over half a million pounds was secured."), MONEY)
    assert not states_unit(unit("The service includes 14 hours of activity per week."), MONEY)
    assert states_unit(unit("Social Care Grant 137.1 5,924.0", header="2025-26 Kent £’m England £’m"), MONEY)
    assert not states_unit(unit("Response to consultation 42 49", header="Centre Responses"), MONEY)
    assert states_unit(unit("Net Change (%) +9.8% +4.5%"), PERCENT) and not states_unit(unit("It rose by £2m."), PERCENT)


def test_a_question_asking_a_cost_is_answered_by_an_amount_of_money(tmp_path, monkeypatch):
    from qa import answer as answer_mod

    from .conftest import index_texts

    text = ("# Family hubs\n\n## 3. Commissioned hubs\n\nEach year the two commissioned family hub contracts provide 14 hours "
            "of activity each week at Seashells and 9 hours each week at Millmead.\n\nThe hub contracts cost "
            "£426,429.60 a year.\n\n## 4. Libraries\n\nThe library opening hours were reviewed.\n")
    a = index_texts(tmp_path / "c", {"eastshire-cabinet-2025-03-13-report.md": text})
    q = "What do the two commissioned family hub contracts cost each year?"
    assert "£426,429.60" in a.ask(q).text
    monkeypatch.setattr(answer_mod, "states_unit", lambda *args: True)  # any figure: the hours rank first
    assert "£426,429.60" not in a.ask(q).text


def test_a_unit_for_another_financial_year_does_not_answer_for_the_one_asked():
    """"2024-25" and "2025-26" share 2025: as calendar years the first would answer for the second; as financial
    years (Intent.financial_years) it does not, while a unit naming both, or none, still may."""
    from index.meta import financial_years
    from index.types import Chunk
    from qa.answer import Scored, Sentence
    from qa.answerers import by_year

    chunk = Chunk(id="c", paper_id="p", source="s.pdf", text="", spans=[])
    texts = ["The 2024-25 Public Health grant has increased by £1,574.1k.", "The grant for 2025-26 is £81,469.5k.",
             "2024-25 Final 2025-26 Provisional", "The grant is £81,469.5k."]
    units = [Scored(Sentence(t, 0, chunk, 0, 1, "1"), 0.5, 0.0, 0.0, 0.0) for t in texts]
    asked = parse("What is the Public Health grant for 2025-26?").financial_years
    assert asked == {2025}
    keep, others = by_year(units, asked, financial_years)
    assert [u.sentence.text for u in others] == [texts[0]] and [u.sentence.text for u in keep] == texts[1:]


def test_a_lead_in_is_quoted_with_what_it_introduces(tmp_path, monkeypatch):
    """"The proposed funding source was as follows:" holds the question's words but not its answer: the unit it
    introduces that may answer is quoted after it, each with its own verified citation."""
    from qa import answer as answer_mod
    from qa.answer import is_lead_in

    from .conftest import index_texts

    assert is_lead_in("The reason given in the letter is as follows:") and is_lead_in("**Proposed Funding Source:**")
    assert is_lead_in("Mr Passmore proposed, and Mr Chittenden seconded the following")
    from qa.answer import _HEADING

    assert _HEADING.match("171. YOUTH JUSTICE PLAN") and _HEADING.match("## 5. Libraries")
    for unit in ("1 Millmead 12,000", "10. Approve the release of £250,000 from reserves;", "14."):
        assert not _HEADING.match(unit), unit  # a table row, a list entry, a bare number: what a lead-in introduces
    assert not is_lead_in("The amendment was lost.") and not is_lead_in("The following year the scheme closed.")
    text = ("# Budget amendments\n\n## 4. Amendment on highways\n\nMr Brown moved an amendment to add £2m to highways "
            "maintenance. The proposed funding source for the highways amendment was as follows:\n\nCancel the refurbishment "
            "of the third floor of County Hall.\n\nMembers debated the amendment at length.\n\n## 5. Libraries\n\n"
            "The library opening hours were reviewed.\n")
    a = index_texts(tmp_path / "c", {"northshire-council-2025-02-13-minutes.md": text})
    q = "What was the proposed funding source for the highways amendment?"
    answer = a.ask(q)
    assert "as follows:" in answer.text and "Cancel the refurbishment" in answer.text, answer.text
    assert answer.text.index("as follows:") < answer.text.index("Cancel the refurbishment")
    assert all(c.verified for c in answer.citations)
    monkeypatch.setattr(answer_mod, "follow_lead_ins", lambda chosen, *args: chosen)
    assert "Cancel the refurbishment" not in a.ask(q).text


def test_what_happened_to_a_motion_is_answered_by_what_became_of_it(tmp_path, monkeypatch):
    """"What happened to the motion on ...": the motion's own words hold the question's, its fate ("this Motion was
    withdrawn") holds none of them; the fate is quoted after the motion, from the same item."""
    from index.motions import states_outcome
    from qa.answerers import Answerers

    from .conftest import index_texts

    assert states_outcome("At the request of Councillor Sheahan, this Motion was withdrawn.")
    assert states_outcome("The Members agreed based on legal advice to revoke the Motion carried in April.")
    assert not states_outcome("The motion asked the Minister to review the scheme.")
    for other in ("It was agreed that the Clerk would write to the landowner.", "The minutes were approved as a correct record.",
                  "The motion should be approved by Council in March.", "Could this be deferred?"):
        assert not states_outcome(other), other  # an agreement about something else, a modal, a question
    text = ("# Minutes of the Meeting of Westshire County Council, 27 March 2023\n\n## 14. Notices of Motion\n\n"
            "Notice of Motion submitted by Councillor Byrne:\n\n**That this Council calls on the Minister for Housing to**\n"
            "**extend the vacant homes grant to derelict shops converted for rent.**\n\nAt the request of Councillor Byrne "
            "and with the agreement of the Meeting, this Motion was withdrawn.\n\n## 15. Libraries\n\n"
            "The library opening hours were reviewed.\n")
    a = index_texts(tmp_path / "c", {"westshire-council-2023-03-27-minutes.md": text})
    q = "What happened to the March 2023 motion asking the Housing Minister to extend the vacant homes grant to derelict shops?"
    answer = a.ask(q)
    quotes = [c.text for c in answer.citations]
    assert len(quotes) == 2 and "vacant homes grant" in quotes[0] and "was withdrawn" in quotes[1], answer.text
    assert all(c.verified for c in answer.citations)
    monkeypatch.setattr(Answerers, "outcome", lambda *args: None)  # the ranker alone: other lines of the item too
    assert [c.text for c in a.ask(q).citations] != quotes


def test_a_figure_that_was_agreed_is_answered_by_the_unit_stating_it(tmp_path, monkeypatch):
    """"What council tax requirement was agreed?" asks a figure: the unit stating it answers, not the item's
    decisions in their order (the first of which is another figure, the net budget)."""
    from qa import answerers

    from .conftest import index_texts

    text = ("# Minutes of the County Council, 13 February 2025\n\n291. REVENUE BUDGET 2025-26\n\nMr Brown moved and Ms "
            "Green seconded the following amendment:\n\n“To amend the budget in line with the Opposition's Alternative "
            "Budget.”\n\nThe amendment was lost.\n\nRESOLVED that the Council approves:\n\n(c) The net revenue budget "
            "requirement of £1,530.9m for 2025-26.\n\n(f) The total Council Tax requirement of £994,287,655 to be raised "
            "through precepts on districts.\n")
    a = index_texts(tmp_path / "c", {"northshire-council-2025-02-13-minutes.md": text})
    q = "What total council tax requirement was agreed to be raised from the districts?"
    quotes = [c.text for c in a.ask(q).citations]
    assert quotes == ["(f) The total Council Tax requirement of £994,287,655 to be raised through precepts on districts."], quotes
    monkeypatch.setattr(answerers, "states_figure_asked", lambda *args: False)  # the decisions answerer then speaks
    assert [c.text for c in a.ask(q).citations] != quotes
