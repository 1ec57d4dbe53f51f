"""Fit the sentence ranker (qa/sentence_ranker.json) and its abstention thresholds on the project's eval set.

For every question of the given files (the project's own eval/questions.jsonl; never the dev set, which is for
checking), on an index of the papers they are about: retrieve as `qa ask` does, split the passages into quotable
units, and compute each unit's FEATURES for the question (or each of its parts). A unit holding one of the
question's `answer_contains` items is a positive (for a question of two parts, an item the part asks for: see
`assign_items`). A logistic model is fitted on them, its C chosen by grouped
5-fold cross-validation (questions never split across folds), reporting for each fold how often the top-ranked
unit holds an answer item, beside the hand-set weights it replaced. The abstention thresholds (the best unit's
probability, the best passage's key-term coverage) are then chosen for the most right decisions on the same
questions: answer an answerable one where one of the top three units holds the answer, abstain on an unanswerable one.
Last, the threshold for a further part of a question another part answers (`part_threshold`).

    QA_HOME=INDEX python eval/fit_ranker.py eval/questions.jsonl [--out qa/sentence_ranker.json]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from datetime import date
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from index.text import squash
from qa import answer as answer_mod
from qa.answer import FEATURES, RANKER_FILE, Candidates, Ranker
from qa.assistant import Assistant
from qa.config import load_settings
from qa.evaluate import answer_correct, load_questions
from qa.intent import parse

# the weights set by hand before the fit (qa/answer.py until December 2026), for comparison
HAND = {
    "dense": 0.225, "dense_whole": 0.225, "lexical": 0.35, "lexical_topic": 0.15, "figure_has_number": 0.08,
    "figure_no_number": -0.1, "date_has_date": 0.08, "date_no_date": -0.05, "person_has_name": 0.06,
    "commitment_words": 0.12, "place_words": 0.1, "decision_block": 0.2, "decision_words": 0.04,
    "not_a_statement": -0.08, "few_words": -0.1, "passage_rank": -0.2,
}


def holds(text: str, items: list) -> bool:
    have = squash(text)
    return any(squash(o) in have for item in items for o in (item if isinstance(item, list) else [item]))


def collect(a: Assistant, paths: list[Path]):
    """One group per question part: (question id, answerable, features, labels, best passage coverage)."""
    groups = []
    r = a.retriever
    for path in paths:
        for q in load_questions(path):
            intent = parse(q.question, r.councils())
            hits = a.retrieve(intent)
            if not hits:
                groups.append((q.id, q.answerable, np.zeros((0, len(FEATURES))), np.zeros(0, bool), 0.0))
                continue
            pool = Candidates(hits, a.embedder, dense_top=10**6)
            topic_weights = r.term_weights(intent.question)
            coverage = max(answer_mod.coverage(topic_weights, h.chunk, r.stem_terms) for h in hits)
            parts = []
            for part in intent.parts or [intent]:
                weights = answer_mod.key_weights(part, r.term_weights)
                which, x = pool.features(part, weights, r.stem_terms, intent if intent.parts else None, topic_weights)
                parts.append(x)
            texts = [pool.sentences[i].text for i in which]  # the same units for every part
            for x, items in zip(parts, assign_items(q.answer_contains, texts, parts) if q.answerable else [[]] * len(parts)):
                labels = np.array([bool(items) and holds(t, items) for t in texts], bool)
                groups.append((q.id, q.answerable, x, labels, coverage))
            print(f"{q.id}: {len(groups[-1][3])} units, {int(sum(g[3].sum() for g in groups if g[0] == q.id))} hold the answer", file=sys.stderr)
    return groups


def assign_items(items: list, texts: list[str], parts: list[np.ndarray]) -> list[list]:
    """Which answer items each part of a question asks for: an item belongs to the part(s) whose own key terms the
    units holding it share most (FEATURES' `lexical` for that part), so a part is fitted to find its own answer,
    not the other part's. A one-part question asks for every item."""
    if len(parts) == 1:
        return [items]
    col = FEATURES.index("lexical")
    out: list[list] = [[] for _ in parts]
    for item in items:
        holding = [j for j, t in enumerate(texts) if holds(t, [item])]
        if not holding:
            continue
        share = [float(x[holding, col].max()) for x in parts]
        for k, v in enumerate(share):
            if v == max(share):
                out[k].append(item)
    return out


def top1(groups, score) -> float:
    """Share of question parts (with a unit holding the answer) whose best-scored unit holds it."""
    ok = n = 0
    for _, _, x, y, _ in groups:
        if y.any():
            n += 1
            ok += bool(y[int(np.argmax(score(x)))])
    return ok / max(n, 1)


def fit(groups, c: float):
    """Weights that rank a unit holding the answer above the others of its question (pairwise logistic: each
    positive against each negative of the same part), then a bias placing 0.5 where positives and negatives meet."""
    from sklearn.linear_model import LogisticRegression

    diffs = []
    for _, answerable, x, y, _ in groups:
        if answerable and y.any() and (~y).any():
            pos, neg = x[y], x[~y]
            d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, x.shape[1])
            diffs.append(d[RNG.choice(len(d), size=min(len(d), 400), replace=False)])
    d = np.vstack(diffs)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(np.vstack([d, -d]), np.r_[np.ones(len(d)), np.zeros(len(d))])
    w = model.coef_[0]
    # the bias: a logistic fit of "holds the answer" on the ranking score alone
    x = np.vstack([g[2] for g in groups if g[1] and len(g[3])])
    y = np.concatenate([g[3] for g in groups if g[1] and len(g[3])])
    calib = LogisticRegression(max_iter=5000).fit((x @ w)[:, None], y)
    scale, bias = float(calib.coef_[0][0]), float(calib.intercept_[0])
    return w * scale, bias


def part_threshold(per_q: dict, min_cov: float, min_p: float, min_terms: float) -> tuple[float, dict]:
    """The least probability (at most `min_p`) at which a further part of a question is answered by its best unit once
    another part of it passes the question's thresholds: the one making the most parts right (its best unit holds that
    part's answer) less those wrong (it does not, or the question is unanswerable), the higher on a tie."""
    pending = []  # (probability, right) of each part below the thresholds in a question another part answers
    for answerable, parts, _, cov in per_q.values():
        passes = [p >= min_p and terms >= min_terms for p, terms, _ in parts]
        if cov >= min_cov and any(passes) and not all(passes):
            pending += [(p, answerable and holds) for (p, terms, holds), ok in zip(parts, passes) if not ok and terms >= min_terms]
    best = (0, min_p, 0, 0)
    for t in [x / 100 for x in range(int(round(min_p * 100)), -1, -1)]:  # from min_p down, so a tie keeps the higher
        right = sum(1 for p, r in pending if p >= t and r)
        wrong = sum(1 for p, r in pending if p >= t and not r)
        if right - wrong > best[0]:
            best = (right - wrong, t, right, wrong)
    return best[1], {"parts_below_thresholds": len(pending), "answered_right": best[2], "answered_wrong": best[3]}


RNG = np.random.default_rng(0)
MAX_FALSE_ABSTENTION = 0.08  # #12's floor: abstain on at most this share of answerable questions


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("questions", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=RANKER_FILE)
    ap.add_argument("--cache", type=Path, help="keep the collected features here, and reuse them when it exists")
    args = ap.parse_args()
    if args.cache and args.cache.exists():
        groups = pickle.loads(args.cache.read_bytes())
    else:
        groups = collect(Assistant(load_settings()), args.questions)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(groups))
    ids = sorted({g[0] for g in groups})
    folds = [set(ids[k::5]) for k in range(5)]
    hand = np.array([HAND.get(f, 0.0) for f in FEATURES])
    cv: dict = {"folds": 5, "hand_top1": [], "by_c": {}}
    for c in (0.1, 1.0, 10.0):
        fold_scores = []
        for k, held in enumerate(folds):
            w, b = fit([g for g in groups if g[0] not in held], c)
            test = [g for g in groups if g[0] in held]
            fold_scores.append(round(top1(test, lambda x, w=w, b=b: x @ w + b), 3))
            if c == 0.1:
                cv["hand_top1"].append(round(top1(test, lambda x: x @ hand), 3))
        cv["by_c"][str(c)] = fold_scores
    best_c = max(cv["by_c"], key=lambda c: np.mean(cv["by_c"][c]))
    w, b = fit(groups, float(best_c))

    # abstention: each question answered with the fitted ranker and no thresholds, marked right or wrong as
    # `qa eval` marks it; then the thresholds (on its weakest part's best probability, and on its best passage's
    # key-term coverage) that make the most right decisions: answer it when right, abstain when unanswerable
    args.out.write_text(json.dumps({"features": FEATURES, "weights": list(map(float, w)), "bias": b, "min_probability": 0.0, "min_coverage": 0.0, "min_terms": 0.0}))
    a = Assistant(load_settings(answer={"min_score": 0.0, "min_coverage": 0.0, "min_terms": 0.0}))
    a.answerers.ranker = Ranker.load(args.out)
    correct = {}
    for path in args.questions:
        for q in load_questions(path):
            correct[q.id] = q.answerable and answer_correct(q, a.ask(q.question).text)
    # per question: each part's best unit (its probability, and the share of the question's key terms that unit and
    # its passage header hold), the best passage's coverage, and whether it was answered right without thresholds
    per_q: dict = {}
    for qid, answerable, x, y, cov in groups:
        z = x @ w + b
        top = int(np.argmax(z)) if len(y) else None
        part = (float(1 / (1 + np.exp(-z[top]))), float(x[top, 3]), bool(y[top])) if top is not None else (0.0, 0.0, False)
        per_q.setdefault(qid, (answerable, [], correct[qid], cov))[1].append(part)
    # the thresholds making the most right decisions (abstain on an unanswerable question, answer an answerable one
    # right) while abstaining on at most MAX_FALSE_ABSTENTION of the answerable ones (the floor #12 sets)
    n_an = sum(1 for v in per_q.values() if v[0]) or 1
    best_rule = None
    for min_cov in [x / 20 for x in range(14)]:
        for min_terms in [x / 20 for x in range(14)]:
            for min_p in [x / 100 for x in range(60)]:
                abstained = right = missed = 0
                for answerable, parts, ok, cov in per_q.values():
                    # a question is answered when one of its parts is (the others are said to be unanswered)
                    answers = cov >= min_cov and any(p >= min_p and terms >= min_terms for p, terms, _ in parts)
                    abstained += not answers and not answerable
                    right += answers and answerable and ok
                    missed += not answers and answerable
                score = abstained + right
                if missed / n_an <= MAX_FALSE_ABSTENTION and (best_rule is None or score > best_rule[0]):
                    best_rule = (score, min_cov, min_p, min_terms, abstained, right)
    min_part, part_decisions = part_threshold(per_q, *best_rule[1:4])
    out = {
        "features": FEATURES,
        "weights": [round(float(v), 5) for v in w],
        "bias": round(b, 5),
        "min_probability": best_rule[2],
        "min_coverage": best_rule[1],
        "min_terms": best_rule[3],
        "min_part_probability": min_part,
        "fitted_on": [str(p) for p in args.questions],
        "fitted": date.today().isoformat(),
        "units": int(sum(len(g[3]) for g in groups)),
        "positives": int(sum(g[3].sum() for g in groups)),
        "cross_validation": {
            **cv,
            "chosen_c": float(best_c),
            "fitted_top1_mean": round(float(np.mean(cv["by_c"][best_c])), 3),
            "hand_top1_mean": round(float(np.mean(cv["hand_top1"])), 3),
        },
        "abstention": {
            "right_decisions": best_rule[0],
            "max_false_abstention": MAX_FALSE_ABSTENTION,
            "unanswerable_abstained": best_rule[4],
            "answerable_answered_right": best_rule[5],
            "questions": len(per_q),
            "answered_correctly_without_thresholds": sum(correct.values()),
            "unanswerable": sum(1 for v in per_q.values() if not v[0]),
            "further_parts": part_decisions,
        },
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n")
    print(json.dumps({k: out[k] for k in ("cross_validation", "abstention", "min_probability", "min_coverage", "min_terms", "min_part_probability")}, indent=1))


if __name__ == "__main__":
    main()
