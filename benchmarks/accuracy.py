"""Accuracy of the plan reader over the real corpus (tests/corpus), by layout family and by
field, with the misses listed; the same scoring as tests/test_corpus.py and the shared scorer.

Run: .venv/bin/python benchmarks/accuracy.py [--misses]"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.corpus import score_corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    arguments = parser.parse_args()
    score = score_corpus()
    right, total = sum(score.right.values()), sum(score.total.values())
    print(f"# accuracy, {date.today()}, tests/corpus: {right}/{total} = {score.accuracy:.1f} %")
    print("| family | fields right | fields | accuracy |\n|---|---:|---:|---:|")
    for family in sorted(score.by_family):
        tally = score.by_family[family]
        line = f"| {family} | {tally['right']} | {tally['total']} |"
        print(f"{line} {score.family_accuracy(family):.1f} % |")
    print("\n| field | right | total | accuracy |\n|---|---:|---:|---:|")
    for field, count in score.total.items():
        share = 100 * score.right[field] / count
        print(f"| {field} | {score.right[field]} | {count} | {share:.1f} % |")
    if arguments.misses:
        print("\n" + "\n".join(score.misses))


if __name__ == "__main__":
    main()
