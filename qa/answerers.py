"""(Intent, hits) -> Answer: the answerers, tried in order for each part of the question, then one citation step.

Each answerer returns claims (sentences quoted from a page, with their passage) or None when the question is not
its kind; `cite.build_answer` alone verifies, numbers and joins them, or abstains. In order:

1. register votes: motions and amendments, who moved them, how they fared, their recorded votes;
2. the evidence check: the best passage must hold the question's key terms, the best sentence must score;
3. register decisions: the AGREED/RESOLVED records of the best-matching items;
4. extractive sentences: the best-scoring sentences of the retrieved passages.

A question asking two things ("who moved it, and where was the money to come from?") is answered part by part,
each part by its own best claim; a part the papers don't answer is said so in the answer's notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial

from index.exempt import EXEMPT
from index.meta import MONTHS, financial_years, quarters_named, years_named
from index.motions import is_closure, is_outcome, is_vote_call, states_outcome, vote_block, vote_count
from index.store import IndexStore, StoredRecord
from index.types import Chunk

from . import answer as answer_mod
from . import timeline
from .answer import Candidates, Ranker, Scored, Sentence, VectorCache, key_share
from .cite import abstain, build_answer, quote_on_page
from .config import AnswerSettings
from .intent import DATE, DECISION, FIGURE, OUTCOME, PERSON, VOTE, Intent
from .register import Register
from .types import Answer, Hit


def opening(text: str, most: int = 320) -> str:
    """The start of a long motion's words, cut at a sentence end (or a word) so the quote stays verbatim."""
    if len(text) <= most:
        return text
    ends = [m.end() for m in re.finditer(r"[.!?][”\"’]?(?=\s)", text[: most + 1]) if m.end() >= 80]
    return text[: ends[-1]] if ends else text[:most].rsplit(" ", 1)[0]


@dataclass
class Claims:
    """What one answerer found for one question (or part): quotes, and the register passages they stand in."""

    sentences: list[Scored]
    passages: list[Hit] = field(default_factory=list)  # register passages the quotes stand in, beyond the retrieved
    context: bool | None = False  # introduce quotes with their meeting and item (None: only when they name no date)
    notice: str = ""
    abstain: bool = False  # the papers record the matter but not what was asked (say why in `notice`)
    items: set = field(default_factory=set)  # (paper id, item) of the decisions an abstention is about


class Answerers:
    """The answerers over one index: the register, the store (pages), the retriever's term weights."""

    def __init__(self, store: IndexStore, register: Register, embedder, term_weights, stem, settings: AnswerSettings, saved=None):
        """`saved`: the index's kept sentence vectors (IndexStore.text_vectors), or None to keep them in memory only."""
        self.store = store
        self.register = register
        self.embedder = embedder
        self.term_weights = term_weights
        self.stem = stem
        self.settings = settings
        self.ranker = Ranker.load()
        self.vectors = VectorCache(settings.sentence_cache, saved)  # sentence vectors, kept across questions

    def prepare(self, passages: list[Hit], embed_model, progress=None, batch: int = 256) -> int:
        """Embed every quotable sentence of `passages` that has no kept vector yet (with `embed_model`, the one the
        index was built with), so a question embeds only itself; returns how many were embedded.
        progress(done, total) after each batch."""
        texts = list(dict.fromkeys(t for hit in passages for t in Candidates([hit], None, 0).basis))
        todo = self.vectors.saved.missing(texts) if self.vectors.saved is not None else texts
        todo.sort(key=len)  # batches of like lengths pad least: 2.3x faster on the Leicester papers than in order
        for start in range(0, len(todo), batch):
            part = todo[start : start + batch]
            self.vectors.put_many(dict(zip(part, answer_mod.embed_normalised(embed_model, part))))
            if progress:
                progress(min(start + batch, len(todo)), len(todo))
        return len(todo)

    def answer(self, intent: Intent, hits: list[Hit], part_hits=None) -> Answer:
        """The answer to a question from its retrieved passages, every quote verified on its page, or abstention.
        `part_hits(part)`: the passages retrieved for one part of the question alone, for a part they answer.
        Items of the matter that were taken in private are named in the notice, with their reason."""
        answer = self._answer(intent, hits, part_hits)
        private = self.private_items(intent, hits, answer)
        if private:
            answer.notice = "; ".join(n for n in (answer.notice, private) if n)
        return answer

    def private_items(self, intent: Intent, hits: list[Hit], answer: Answer) -> str:
        """Exempt items (index.exempt) of the passages found or quoted, or whose title is the question's topic, said so
        that nobody takes what the public papers say for all there is: "taken in private: 4 Dec 2025, Cabinet, item 5.
        Sale of the Old Library Site (exempt under Schedule 12A, paragraph 3: …); its papers are not published".
        When the papers don't answer, also items whose title shares most of its words with the question."""
        items = {(h.chunk.paper_id, h.chunk.item) for h in hits if h.chunk.item}
        quoted = {c.paper_id: "" for c in answer.citations}
        for c in answer.citations:
            quoted[c.paper_id] += " " + c.text.lower()
        words = timeline.content_terms(intent.topic or "")
        asked = timeline.content_terms(intent.question) if answer.abstained else frozenset()

        def near(title: str) -> bool:
            shared = len(asked & timeline.content_terms(title))
            return shared >= max(2, len(timeline.content_terms(title)) / 2)

        records = [r for r in self.register.list(EXEMPT, limit=10**6)
                   if (r.paper_id, r.record.item) in items or r.record.item_title.lower() in quoted.get(r.paper_id, "\0")
                   or timeline.titled(words, r.record.item_title) or asked and near(r.record.item_title)]
        if not records:
            return ""
        entries = timeline.build(intent.topic or "", [], records, lambda *_: None, match=False).entries
        said = "; ".join(f"{e.where()} ({e.status})" for e in entries[:3])
        return f"taken in private, its papers not published: {said}"

    def _answer(self, intent: Intent, hits: list[Hit], part_hits=None) -> Answer:
        pool = Candidates(hits, self.embedder, self.settings.dense_sentences, self.vectors)
        if not intent.parts:
            claims = self.claims(intent, hits, pool)
            if claims is None or claims.abstain:
                answer = abstain(intent.question, hits)
                answer.notice = "; ".join(n for n in (claims.notice if claims else "", answer.notice) if n)
                return answer
            answer = build_answer(intent.question, [*hits, *claims.passages], claims.sentences, self.store, with_context=claims.context)
            later = self.later_decision(intent, answer)
            if later:
                answer.notice = "; ".join(n for n in (answer.notice, later) if n)
            return answer
        found = self.part_claims(intent, hits, pool, part_hits)
        min_score, *_, min_part = self._thresholds()
        if min_part < min_score and any(_answered(c) for c in found) and not all(_answered(c) for c in found):
            # one part answers, so the papers do: the others are answered by their best quote above the part threshold
            found = self.part_claims(intent, hits, pool, part_hits, floor=min_part)
        if any(_answered(c) and c.sentences for c in found) and not all(_answered(c) for c in found):
            found = [c if _answered(c) else self.beside(intent, p, found, hits) or c for p, c in zip(intent.parts, found)]
        chosen: list[Scored] = []
        passages: list[Hit] = []
        unanswered: list[str] = []
        contexts: set = set()
        for part, claims in zip(intent.parts, found):
            new = [s for s in (claims.sentences if _answered(claims) else []) if not any(_same(s, c) for c in chosen)]
            if not new and not _answered(claims):
                unanswered.append(f"“{part.question}”" + (f" ({claims.notice})" if claims and claims.notice else ""))
                continue
            chosen.extend(new)
            passages.extend(claims.passages)
            contexts.add(claims.context)
        if not chosen:
            return abstain(intent.question, hits)
        context = True if True in contexts else (None if None in contexts else False)
        answer = build_answer(intent.question, [*hits, *passages], chosen, self.store, with_context=context)
        if unanswered and not answer.abstained:
            answer.notice = "; ".join(n for n in ("the papers don't answer: " + "; ".join(unanswered), answer.notice) if n)
        return answer

    def beside(self, intent: Intent, part: Intent, found: list[Claims | None], hits: list[Hit]) -> Claims | None:
        """A part no quote answered, looked for in the passages the other parts' quotes stand in ("who moved the
        amendment, and where was the money to come from": the amendment's text follows its mover): there, the best
        quote for the part among those holding the fitted share of the whole question's key terms (a part saying "it"
        holds few words of its own), with every check but the probability floor."""
        quoted = [q for c in found if _answered(c) for q in c.sentences]
        pages = {(q.sentence.chunk.paper_id, q.sentence.page_index) for q in quoted}
        near = [h for h in hits if any((h.chunk.paper_id, span.page_index) in pages for span in h.chunk.spans)]
        if not near:
            return None
        pool = Candidates(near, self.embedder, self.settings.dense_sentences, self.vectors)
        claims = self.claims(part, near, pool, whole=intent, taken=quoted, floor=0.0, beside=True)
        return claims if _answered(claims) and claims.sentences else None

    def later_decision(self, intent: Intent, answer: Answer) -> str:
        """For "what was agreed", a later decision of the same council on the same topic (`timeline`'s rule: its item
        title or text names every word of the topic), said in the notice so nobody takes a superseded decision for
        the one in force: "a later meeting also decided on this: 13 Mar 2025, Full Council, item 300 (page 9)"."""
        if DECISION not in intent.asks or answer.abstained or not answer.citations or not intent.topic:
            return ""
        first = answer.citations[0]
        cited = max((c.meeting_date for c in answer.citations if c.meeting_date), default=None)
        if cited is None:
            return ""
        t = timeline.build(intent.topic, [], self.register.list("decision", limit=10**6), lambda *_: None)
        later = [e for e in t.entries if e.kind == timeline.DECIDED and e.meeting_date and e.meeting_date > cited and e.council == first.council]
        if not later:
            return ""
        return f"a later meeting also decided on this: {later[-1].where()} (qa timeline \"{intent.topic}\" lists them all)"

    def _terms_with_before(self, best: Scored, pool: Candidates, topic_weights: dict[str, float]) -> float:
        """Share of the question's key terms the best sentence holds with its passage header and the sentence before it
        ("Consultants will be procured early next year to progress the project." after "Limerick to Oola Greenway is
        at stage 0": the project is the greenway); its own share when no sentence comes before it on its page."""
        if pool.before(best.sentence) is None:
            return best.terms
        return max(best.terms, answer_mod.key_share(topic_weights, self._stems_with_before(best, pool)))

    def _stems_with_before(self, u: Scored, pool: Candidates) -> set[str]:
        """The stemmed terms of a unit, its passage and table headers, and the sentence before it on its page."""
        s, prev = u.sentence, pool.before(u.sentence)
        return self.stem(f"{s.chunk.header()} {s.header or ''} {s.text}") | (self.stem(prev.text) if prev else frozenset())

    def part_claims(self, intent: Intent, hits: list[Hit], pool: Candidates, part_hits=None, floor: float | None = None) -> list[Claims | None]:
        """Each part's claims (see `part`). A quote that two parts would both take goes to the part whose own key
        terms it holds most ("... planned for April" to "when is the wider roll-out planned"); the other part looks
        again without it, and keeps it only when nothing else answers it. `floor`: the least probability a part's best
        quote needs, instead of the question's."""

        def part(p: Intent, taken: list[Scored] = ()) -> Claims | None:
            # in the whole question's context; else as a question of its own ("When is the next update due" of "When
            # is the next update due, and what saving was it on track to deliver?"), over the passages found, then
            # (`part_hits`) over those retrieved for it alone
            claims = self.claims(p, hits, pool, whole=intent, taken=taken, floor=floor) or self.claims(p, hits, pool, taken=taken, one=True, floor=floor)
            if claims is None and part_hits is not None:
                own = [h for h in part_hits(p) if all(h.chunk.id != g.chunk.id for g in hits)]
                mine = self.claims(p, own, Candidates(own, self.embedder, self.settings.dense_sentences, self.vectors), one=True, floor=floor) if own else None
                if _answered(mine):
                    mine.passages = [*own, *mine.passages]  # retrieved, for this part
                    claims = mine
            return Claims([]) if claims is None and taken else claims  # answered by the other part's quote

        found = [part(p) for p in intent.parts]
        for i in range(len(found)):
            for j in range(i + 1, len(found)):
                a, b = (c.sentences if _answered(c) else [] for c in (found[i], found[j]))
                shared = [(x, y) for x in a for y in b if _same(x, y)]
                if not shared:
                    continue
                x, y = shared[0]
                # the part holding more of its key terms keeps a shared quote; one saying "it" never takes it from the part
                # naming what "it" is
                back_i, back_j = (bool(intent.parts[k].refers_to) for k in (i, j))
                i_loses = back_i if back_i != back_j else x.lexical < y.lexical
                loser, winner = (i, a) if i_loses else (j, b)
                found[loser] = part(intent.parts[loser], taken=winner)
        return found

    def claims(self, intent: Intent, hits: list[Hit], pool: Candidates, whole: Intent | None = None, taken: list[Scored] = (), one: bool = False, floor: float | None = None, beside: bool = False) -> Claims | None:
        """The first answerer's claims for a question (or one part of `whole`), or None when none answers it.
        `taken`: another part's quotes; this part is answered by another quote, or by theirs when no other is as
        sure (one sentence can answer two parts). A part (`whole` given, or `one`) is answered by one sentence.
        `floor`: the least probability the best quote needs (else the fitted threshold). `beside`: `hits` are the
        passages another part is answered from, so the best unit holding enough of the (whole) question's key terms
        answers it."""
        cfg = self.settings
        weights = answer_mod.key_weights(intent, self.term_weights)
        topic_weights = self.term_weights(whole.question) if whole else weights
        scored = pool.rank(intent, weights, self.stem, topic=whole, topic_weights=topic_weights, ranker=self.ranker)
        if beside:  # in the passage another part's quote stands in: only units holding enough of the question's key terms
            scored = [u for u in scored if u.terms >= self._thresholds()[2]]
        if intent.mover:
            movers = self.movers(intent, hits, topic=(whole or intent).question)
            if movers is not None:
                return movers
        if VOTE in intent.asks:
            votes = self.votes(intent, hits, topic=(whole or intent).question)
            if votes is not None and not votes.abstain and self._verifies(votes):
                return votes
            tally = self.tally(scored, pool, hits, topic_weights, votes, intent, amendment=intent.about == "amendment") if intent.vote_result else None
            if tally is not None:
                return tally
            if votes is not None and votes.abstain:
                return votes
        if OUTCOME in intent.asks:
            became = self.outcome(scored, pool)
            if became is not None:
                return became
        missing = answer_mod.missing_figures(topic_weights, hits, self.stem, (whole or intent).question)
        if missing:
            # a near miss: the year or figure the question names is in none of the passages found
            return Claims([], abstain=True, notice="no passage found mentions " + " or ".join(f"“{t}”" for t in missing))
        if not _ASKS_ABOUT_QUESTIONS.search(intent.question):
            # a question put to the meeting ("Would it not be better to wait ...?") says what was asked, not the answer
            scored = [u for u in scored if not u.sentence.text.rstrip(" ”\"’')").endswith("?")]
        # a unit naming only other years than those asked ("2021 € 15,754.75" for "spend in 2023") does not answer;
        # when such units rank above the rest and hold more of the question, say so (a near miss)
        scored, elsewhen = by_year(scored, intent.years)
        # a financial year shares a calendar year with the one before it: "the 2024-25 grant" does not answer "the grant
        # for 2025-26" (where the passages hold units for the year asked, or naming none)
        scored = by_year(scored, intent.financial_years, financial_years)[0] or scored
        # the same for a financial quarter ("underspend at the end of quarter 2" is not "as at the end of June")
        reported = partial(quarters_named, as_period=True)
        scored, otherwhen = by_year(scored, intent.quarters, reported)
        if otherwhen and (not scored or otherwhen[0].score > scored[0].score):
            named = sorted(set().union(*(reported(u.sentence.text) for u in otherwhen[:3])))
            return Claims([], abstain=True, notice=f"the passages found give it for quarter {', '.join(map(str, named))}, "
                                                   f"not quarter {', '.join(map(str, sorted(intent.quarters)))}")
        # only the units ranked above the best left can say the passages answer for other years
        elsewhen = [u for u in elsewhen if not scored or u.score > scored[0].score]
        near_miss = None
        if elsewhen:
            # judged by the question's terms other than its years (the year asked is what the others lack)
            topic = {t: w for t, w in topic_weights.items() if not t.isdigit()}

            def share(u: Scored) -> float:
                return key_share(topic, self.stem(f"{u.sentence.chunk.header()} {u.sentence.header or ''} {u.sentence.text}"))

            shares = [share(u) for u in elsewhen[:10]]
            near_miss = Claims([], abstain=True, notice=other_years_notice(elsewhen[:10], shares, intent.years))
            # the best for the year asked is read with the sentence before it ("in 2005 there were 15,613 live births
            # in Kent. Since this time, birth numbers have fallen to 16,364 in 2022."), as the key-term gate reads it
            if not scored or key_share(topic, self._stems_with_before(scored[0], pool)) < max(shares):
                return near_miss
        if FIGURE in intent.asks and not intent.asks & {VOTE, DECISION, PERSON}:
            # "how much / how many" is answered by a sentence that states an amount, not one naming only the topic
            stated = [u for u in scored if answer_mod.gives_figure(u.sentence.text, intent.question)]
            if scored and not stated:
                return near_miss or Claims([], abstain=True, notice="no passage found states the figure asked for")
            # "what do the contracts cost" is answered by an amount of money, not "14 hours a week", where one is stated
            scored = [u for u in stated if answer_mod.states_unit(u.sentence, intent.unit)] or stated if intent.unit else stated
        answered_before = bool(scored and taken and any(_same(scored[0], t) for t in taken))
        scored = [s for s in scored if not any(_same(s, t) for t in taken)]
        min_score, min_coverage, min_terms, _ = self._thresholds()
        if not scored:
            return Claims([]) if answered_before else near_miss
        best = scored[0]
        min_score = min_score if floor is None else min(floor, min_score)  # a further part's floor: never above the question's
        best_coverage = max(answer_mod.coverage(topic_weights, h.chunk, self.stem, (whole or intent).question) for h in hits)
        # a part of a two-part question is answered by a unit holding every one of the part's key terms, even below
        # the fitted probability (its terms are diluted by the other part's in the whole-question features)
        sure = best.score >= min_score or (whole is not None and best.lexical >= 1.0)
        # the key-term gate reads the sentence before the best too, only where the best alone falls short
        terms = best.terms if best.terms >= min_terms else self._terms_with_before(best, pool, topic_weights)
        if best_coverage < min_coverage or not sure or terms < min_terms:
            return Claims([]) if answered_before else near_miss
        if DECISION in intent.asks and not states_figure_asked(intent, best):
            decisions = self.decisions(hits, first=best.sentence.chunk)
            if decisions is not None:
                return decisions
        chosen = answer_mod.follow_lead_ins(answer_mod.pick_sentences(scored, cfg, most=1 if whole or one else None), scored, pool)
        # decisions always say which meeting and item they belong to; dates only when the quote has none
        return Claims(chosen, context=True if DECISION in intent.asks else (None if DATE in intent.asks else False))

    def outcome(self, scored: list[Scored], pool: Candidates) -> Claims | None:
        """"What happened to the motion on ...": the best unit on the matter (when it holds the fitted share of the
        question's key terms), then the first sentence after it in its passage saying what became of it ("At the
        request of Councillor Sheahan ... this Motion was withdrawn."), or None."""
        if not scored or scored[0].terms < self._thresholds()[2]:
            return None
        matter = scored[0]
        became = answer_mod.first_after(matter.sentence, scored, pool, lambda s: states_outcome(s.text), through_lead_ins=True)
        return Claims([matter, became], context=True) if became is not None else None

    def decisions(self, hits: list[Hit], first: Chunk | None = None) -> Claims | None:
        """For "what was agreed/decided" questions: the decisions recorded for the best-matching items, the item of
        `first` (the passage of the best unit for the question, or for its part) before those of the best passages."""
        keys: list[tuple[str, str]] = []
        for c in [first, *(h.chunk for h in hits[:3])]:
            if c is None:
                continue
            key = (c.paper_id, c.item)
            if c.item and key not in keys:
                keys.append(key)
        for rank, key in enumerate(keys):
            records = self.register.for_items([key])
            claims = self.from_records(hits, records[: self.settings.max_sentences], rank) if records else None
            if claims is not None and self._verifies(claims):
                return claims
        return None

    def _thresholds(self) -> tuple[float, float, float, float]:
        """(min probability, min passage coverage, min unit key-term share, min probability of a further part): the
        settings, else the fitted ones."""
        cfg, fitted = self.settings, self.ranker
        return (
            fitted.min_probability if cfg.min_score is None else cfg.min_score,
            fitted.min_coverage if cfg.min_coverage is None else cfg.min_coverage,
            fitted.min_terms if cfg.min_terms is None else cfg.min_terms,
            fitted.min_part_probability if cfg.min_part_score is None else cfg.min_part_score,
        )

    def _verifies(self, claims: Claims) -> bool:
        return any(quote_on_page(self.store, s.sentence.chunk.paper_id, s.sentence.page_index, s.sentence.text) for s in claims.sentences)

    def from_records(self, hits: list[Hit], records: list[StoredRecord], rank: int = 0, quote=lambda t: t, with_votes: bool = False) -> Claims | None:
        """Claims quoting register records (each from its page, with its meeting and item); a record's passage
        joins the retrieved ones, since the register found it. With `with_votes`, a record's recorded vote
        follows it, quoted line by line from the page the minutes print it on ("For (41)", ..., "Motion carried.")."""
        retrieved = {h.chunk.id: h.chunk for h in hits}
        passages: list[Hit] = []
        sentences: list[Scored] = []
        for r in records:
            chunk = retrieved.get(r.record.chunk_id) or self.store.get_chunk(r.record.chunk_id)
            if chunk is None:
                continue
            if chunk.id not in retrieved and all(p.chunk.id != chunk.id for p in passages):
                passages.append(Hit(chunk=chunk, score=0.0))
            sentences.append(Scored(Sentence(quote(r.record.text), rank, chunk, r.record.page_index, r.record.pdf_page, r.record.label, True), 1.0, 1.0, 1.0))
            for page_index, page, line in self._vote_lines(r) if with_votes else []:
                sentences.append(Scored(Sentence(line, rank, chunk, page_index, page.pdf_page, page.label, True), 1.0, 1.0, 1.0))
        return Claims(sentences, passages, context=True) if sentences else None

    def _vote_lines(self, r: StoredRecord) -> list[tuple[int, object, str]]:
        """The lines printing a record's recorded vote and its outcome, found on its page or the next two:
        'For (41)', 'Against (10)', 'Abstain (7)', then 'Motion carried.' (page index, page, line)."""
        wanted = set(r.record.votes.items())  # {("for", 41), ...}, read from these lines when indexing
        if not wanted:
            return []
        pages = self.store.pages(r.paper_id)
        out: list[tuple[int, object, str]] = []
        after = 0  # lines read since the last count was found: the outcome follows within a few (names aside)
        for page_index in range(r.record.page_index, min(r.record.page_index + 3, len(pages))):
            for line in pages[page_index].text.split("\n"):
                line = line.strip()
                count = vote_count(line)
                if count in wanted:
                    out.append((page_index, pages[page_index], line))
                    wanted.discard(count)
                elif out and not wanted:
                    if is_outcome(line):
                        return [*out, (page_index, pages[page_index], line)]
                    after += 1
                    if after > 12:
                        return out
        return out

    def tally(self, scored: list[Scored], pool: Candidates, hits: list[Hit], topic_weights: dict, uncounted: Claims | None, intent: Intent, amendment: bool = False) -> Claims | None:
        """For "what was the vote on ..." where the register holds no count: the best-ranked sentence opening a
        recorded vote ("the Mayor directed that a vote be taken ... as follows:") in one of the best passages, under
        the question's topic: in the agenda item of the decision the register found without a count, or else in the
        item of the passage holding most of the question's key terms (of those from the meeting it names, if any:
        later minutes recall the motion "carried during the Special Meeting held on 5th April"); then the lines that record that vote, quoted
        from the minutes: the tallies and the chair's declaration. Unless the question is about an `amendment`, a vote
        on one is passed over when the item records another: the result asked for is the substantive motion's (where
        the amendment's is the only vote, as when it becomes the motion carried, it is the result)."""
        decided = uncounted.items if uncounted else set()
        if not decided and hits:
            best = hits[: self.settings.vote_passages]
            top = max([h for h in best if intent.at(h.chunk.meeting_date)] or best, key=lambda h: answer_mod.coverage(topic_weights, h.chunk, self.stem, intent.question))
            decided = {(top.chunk.paper_id, top.chunk.item)}
        on_amendment = None  # the best vote on an amendment, the result where the item records no other
        for cand in scored:
            s = cand.sentence
            if s.hit_rank >= self.settings.vote_passages or not is_vote_call(s.text):
                continue
            if (s.chunk.paper_id, s.chunk.item) not in decided:
                continue  # a vote on another item
            # "put to the vote the amendment set out in paragraph 2"
            passed_over = not amendment and bool(_ON_AMENDMENT.search(s.text))
            if passed_over and on_amendment is not None:
                continue
            start = next(i for i, u in enumerate(pool.sentences) if u is s) + 1
            after = [u for u in pool.sentences[start : start + 16] if u.chunk.id == s.chunk.id]
            block = vote_block([u.text for u in after])
            if not block:
                continue
            lines = Claims([cand] + [Scored(_tail(after[k]), cand.score, cand.dense, cand.lexical) for k in block], context=True)
            if not passed_over:
                return lines
            on_amendment = lines
        return on_amendment

    def movers(self, intent: Intent, hits: list[Hit], topic: str) -> Claims | None:
        """For "who moved the motion on ...", "who proposed them": the line of the minutes naming who proposed and
        seconded the register's motion (or amendment, if asked) on the topic, from the meeting and council the
        question names, quoted from the record's page ("Mr Hood proposed, and Ms Hawkins seconded the motion that",
        "Proposed by Councillor Ryan (E);"). None when no such record's page names its mover."""
        there = {r.id for r in self.register.in_passages([h.chunk for h in hits[: self.settings.vote_passages]])}
        weights = subject_weights(self.term_weights(topic), self.stem(" ".join([*VOTE_WORDS, *intent.councils])))

        def fit(r: StoredRecord) -> tuple[float, bool]:  # most of the question's subject first, then those retrieved
            return -key_share(weights, self.stem(f"{r.record.item_title or ''} {r.record.text}")), r.id not in there

        for r in self._with_amendments(sorted(self.register.search(topic), key=fit), intent):
            rec = r.record
            if not (rec.type == "decision" and rec.mover and intent.at(rec.meeting_date) and (not intent.councils or r.council in intent.councils)):
                continue
            if is_closure(rec.text):
                continue  # "that the question be now put"
            if intent.about is not None and rec.kind.startswith("amendment") != (intent.about == "amendment"):
                continue
            found = mover_line(self.store.pages(r.paper_id), rec)
            if found and not is_closure(found[1]):
                page_index, line = found
                claims = self.from_records(hits, [r], quote=lambda _t, line=line: line)
                if claims is None:
                    continue
                s0 = claims.sentences[0].sentence
                page = self.store.pages(r.paper_id)[page_index]
                claims.sentences = [replace(claims.sentences[0], sentence=replace(s0, page_index=page_index, pdf_page=page.pdf_page, label=page.label))]
                if self._verifies(claims):
                    return claims
        return None

    def _with_amendments(self, found: list[StoredRecord], intent: Intent):
        """The records found, each motion followed, when an amendment is asked about ("who put forward the amendment
        to it?"), by the amendments moved under the same item: an amendment's own words seldom repeat the motion's
        subject ("The proposer and seconder of the original motion agreed to the amendment")."""
        seen: set[str] = set()
        for r in found:
            if r.id not in seen:
                seen.add(r.id)
                yield r
            if intent.about == "amendment" and r.record.item and not r.record.kind.startswith("amendment"):
                for a in self.register.for_items([(r.paper_id, r.record.item)]):
                    if a.record.kind.startswith("amendment") and a.id not in seen:
                        seen.add(a.id)
                        yield a

    def votes(self, intent: Intent, hits: list[Hit], topic: str) -> Claims | None:
        """For questions about motions, amendments and votes ("Which budget amendments were lost on 13 February
        2025?"): the register's motion and amendment records on the topic, from the meeting and council the
        question names, carried or lost as it asks, each quoted from its page (with its mover and seconder where
        the minutes print them there). `topic`: what to search the register for (the whole question of a part)."""

        def fits(r: StoredRecord) -> bool:
            rec = r.record
            return (
                rec.type == "decision"
                and bool(rec.mover or rec.votes or rec.kind.startswith(("amendment", "recommendation")))
                and not is_closure(rec.text)
                and (intent.about is None or rec.kind.startswith("amendment") == (intent.about == "amendment"))
                and intent.at(rec.meeting_date)
                and (not intent.councils or r.council in intent.councils)
                and (not intent.outcome or rec.kind.endswith(intent.outcome))
            )

        # the votes on the question's topic, best first: the register's topic search, those standing in the best
        # passages first (retrieval read them in their context); a question asking which amendments or motions
        # (a list) at a meeting it names gets all of that meeting's that fit, in the order of the minutes
        found = self.register.search(topic)
        there = {r.id for r in self.register.in_passages([h.chunk for h in hits[: self.settings.vote_passages]])}
        on_topic = [r for r in sorted(found, key=lambda r: r.id not in there) if fits(r)]
        if intent.listing and intent.dates:
            records = [r for r in self.register.list("decision", limit=100_000) if fits(r)]
            records.sort(key=lambda r: (r.record.meeting_date or date.min, r.source, r.record.page_index, r.n))
        elif PERSON in intent.asks:
            # "who proposed ...": only a record whose quote names its mover answers it
            records = [r for r in on_topic if r.record.mover and r.record.mover.split()[-1] in r.record.text][:1]
        elif intent.vote_result:
            # "what was the vote on ...": the motion (one that, with its item, holds enough of the question's key
            # terms), then its recorded vote, line by line from the minutes
            # what the vote is about: the question's terms less those naming the meeting, the council and the vote
            # itself ("Family Hubs" of "How many councillors voted against the Family Hubs motion at Kent's full
            # council on 13 March 2025?"), which every vote of that meeting shares
            weights = subject_weights(self.term_weights(topic), self.stem(" ".join([*VOTE_WORDS, *intent.councils])))
            counted = [r for r in on_topic if r.record.votes and key_share(weights, self.stem(f"{r.record.item_title or ''} {r.record.text}")) >= self._thresholds()[2]]
            # a question not about an amendment asks how the motion itself fared: the substantive motion's vote,
            # not that of an amendment moved in its debate
            records = [r for r in counted if intent.about == "amendment" or not r.record.kind.startswith("amendment")][:1]
            if records:
                return self.from_records(hits, records, quote=opening, with_votes=True)
            decided = [r for r in found[:3] if r.record.type == "decision" and intent.at(r.record.meeting_date)]
            if intent.vote_count and decided:
                # the register has the decision but no count: unless the minutes print the tally in another form
                # (see `tally`), the papers don't say how many voted which way
                return Claims([], abstain=True, notice="the minutes record this decision but not how many voted each way", items={(r.paper_id, r.record.item) for r in decided})
        else:
            records = []
        if not records:
            return None
        return self.from_records(hits, records[: max(self.settings.max_sentences, 6)], quote=opening)


_ON_AMENDMENT = re.compile(r"\bvote\b.*\bthe amendment\b|\bthe amendment\b.*\bto the vote\b", re.I)

# words every question about a vote may use, whatever the vote was on
VOTE_WORDS = ("how", "many", "motion", "motions", "amendment", "amendments", "vote", "voted", "voting", "votes", "carried", "lost", "result",
              "final", "councillors", "members", "against", "full", "council", "meeting", "special")


def subject_weights(weights: dict[str, float], generic: frozenset[str]) -> dict[str, float]:
    """A question's term weights less the `generic` ones, the years, days and months (a meeting's date is matched
    by `Intent.at`, not by words)."""
    return {t: w for t, w in weights.items() if t not in generic and not t.isdigit() and t not in _MONTH_STEMS}


_MONTH_STEMS = {m[:3] for m in MONTHS} | set(MONTHS)


_PROPOSING = re.compile(r"\b(?:propos\w*|moved)\b", re.IGNORECASE)


def mover_line(pages: list, record, back: int = 3) -> tuple[int, str] | None:
    """(page index, line) of the minutes naming a record's mover as proposing it: the nearest before the record's
    words on its page or the `back` pages before it (the motion's words can run over pages before it is
    resolved), else the first after them on its page ("Proposed by Councillor Ryan (E);" under a resolution)."""
    surname = next(w for w in reversed(record.mover.split()) if not w.startswith("("))
    named = re.compile(rf"\b{re.escape(surname)}\b")
    here = pages[record.page_index].text
    at = here.find(record.text[:60])
    after = None
    for k in range(record.page_index, max(record.page_index - back, 0) - 1, -1):
        text = pages[k].text
        lines = [(m.start(), m.group().strip()) for m in re.finditer(r"[^\n]+", text)]
        found = [(pos, line) for pos, line in lines if named.search(line) and _PROPOSING.search(line)]
        if k == record.page_index and at >= 0:
            after = next((line for pos, line in found if pos > at), None)
            found = [x for x in found if x[0] <= at]
        if found:
            return k, opening(found[-1][1])
    return (record.page_index, opening(after)) if after else None


def states_figure_asked(intent: Intent, best: Scored) -> bool:
    """"What total council tax requirement was agreed": the figure agreed is what is asked, and the best unit states
    one, so it answers (not the decisions of the passages' items, which answer "what was agreed")."""
    return FIGURE in intent.asks and answer_mod.gives_figure(best.sentence.text, intent.question) and answer_mod.states_unit(best.sentence, intent.unit)


def _answered(c: Claims | None) -> bool:
    return c is not None and not c.abstain


def _tail(s: Sentence, most: int = 400) -> Sentence:
    """A long tally line (forty names, then "(21)") cut to its end, which holds the count; verbatim either way."""
    if len(s.text) <= most:
        return s
    tail = s.text[-most:]
    return replace(s, text=tail[tail.find(" ") + 1 :])


_ASKS_ABOUT_QUESTIONS = re.compile(r"\b(?:ask|asks|asked|asking|question|questions|queried|query|raised)\b", re.IGNORECASE)


def by_year(scored: list[Scored], asked: frozenset[int], named_in=years_named) -> tuple[list[Scored], list[Scored]]:
    """(the units that may answer for the years a question asks about, those naming only other years), each best
    first. A unit naming no year may answer (its meeting's year is the one meant). `named_in`: what a text names
    (years, or financial quarters with index.meta.quarters_named)."""
    if not asked:
        return scored, []
    keep, others = [], []
    for s in scored:
        named = named_in(s.sentence.text)
        (others if named and not named & asked else keep).append(s)
    return keep, others


def other_years_notice(elsewhen: list[Scored], shares: list[float], asked: frozenset[int]) -> str:
    """'the passages found give it for 2021, 2022, not 2023': the years named by the units most on the question
    (`shares`: how much of it each holds) that are nearest those asked (not the year of an Act they cite)."""
    named = sorted(set().union(*(years_named(s.sentence.text) for s, v in zip(elsewhen, shares) if v == max(shares))))
    near = [y for y in named if min(abs(y - a) for a in asked) <= 3] or named
    return f"the passages found give it for {', '.join(map(str, near))}, not {', '.join(map(str, sorted(asked)))}"


def _same(a: Scored, b: Scored) -> bool:
    """The same quote (two parts answered by one sentence)."""
    return a.sentence.chunk.id == b.sentence.chunk.id and a.sentence.text == b.sentence.text
