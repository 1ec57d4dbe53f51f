"""Measure where to set the abstention thresholds (answer.min_score, answer.min_coverage).

For every eval question it records the best passage's key-term coverage and the best sentence's
score, then grid-searches the two thresholds for the most right decisions: answer the answerable
questions (correctly), abstain on the unanswerable ones.

    QA_HOME=INDEX python eval/calibrate_abstention.py eval/questions.jsonl [more.jsonl ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from qa.assistant import Assistant
from qa.cite import build_answer
from qa.evaluate import answer_correct, load_questions


def main(paths: list[str]) -> None:
    a = Assistant()
    rows = []
    for path in paths:
        for q in load_questions(Path(path)):
            hits = a.retrieve(q.question)
            coverage, scored = a.evidence(q.question, hits)
            top = scored[0].score if scored else -1.0
            ok = False
            if q.answerable and scored:
                from qa import answer as am

                ans = build_answer(q.question, hits, am.pick_sentences(scored, a.settings.answer), a.store)
                ok = answer_correct(q, ans.text)
            rows.append((q.id, q.answerable, ok, coverage, top))
    best = None
    for min_cov in [x / 100 for x in range(0, 80, 5)]:
        for min_score in [x / 100 for x in range(20, 70, 2)]:
            right = 0
            for _, answerable, ok, cov, top in rows:
                answers = cov >= min_cov and top >= min_score
                right += (answers and answerable and ok) or (not answers and not answerable)
            if best is None or right > best[0]:
                best = (right, min_cov, min_score)
    print("id answerable correct_if_answered coverage top_score")
    for r in rows:
        print(*r[:3], round(r[3], 3), round(r[4], 3))
    n_ok = sum(1 for r in rows if r[1] and r[2])
    n_un = sum(1 for r in rows if not r[1])
    print(f"\n{len(rows)} questions; {n_ok} answerable ones answered correctly without thresholds; {n_un} unanswerable")
    print(f"best: {best[0]} right decisions with min_coverage={best[1]} min_score={best[2]}")


if __name__ == "__main__":
    main(sys.argv[1:])
