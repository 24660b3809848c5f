"""Calibrate the occupation coder's score on the tuning half of the evaluation set.

    python bench/occupation_calibrate.py

Codes the tuning half (never the held-out half), bins the best unit group's evidence of
every title the index settles, and prints each bin's share coded right: the table
`CALIBRATION_EDGES` / `CALIBRATION_SCORES` in seb/occupation/coder.py, and the precision
above each candidate threshold. The figures it prints are the evidence for the score.
"""

from __future__ import annotations

import bisect
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from occupation_evaluation import generated  # noqa: E402

from seb.occupation.coder import CALIBRATION_EDGES, calibrated, code  # noqa: E402

# A bin's share right is shrunk towards its evidence value as if it held this many more
# titles right at that rate: a bin of a handful of titles says little.
PRIOR_TITLES = 10


def _pooled(bins: list[list[int]]) -> list[int]:
    """Each bin's share right, shrunk towards the bin's evidence value, then made monotone
    by pooling adjacent violators."""
    blocks: list[list[float]] = []  # [right, total, bins]
    for at, (right, total) in enumerate(bins):
        prior = min(CALIBRATION_EDGES[at], 1.0)
        blocks.append([right + PRIOR_TITLES * prior, total + PRIOR_TITLES, 1])
        while (
            len(blocks) > 1
            and blocks[-1][1]
            and blocks[-2][1]
            and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]
        ):
            last = blocks.pop()
            blocks[-1] = [blocks[-1][0] + last[0], blocks[-1][1] + last[1], blocks[-1][2] + last[2]]
    out: list[int] = []
    for right, total, count in blocks:
        for _ in range(int(count)):
            out.append(round(100 * right / total))
    for i in range(len(out) - 2, -1, -1):
        out[i] = min(out[i], out[i + 1])
    return [min(score, 99) for score in out]


def main() -> None:
    tune, _ = generated()
    bins: list[list[int]] = [[0, 0] for _ in CALIBRATION_EDGES]
    scored: list[tuple[int, bool]] = []
    for item in tune:
        coding = code(item.text)
        if not coding.settled or coding.best is None:
            continue
        right = coding.best.soc2020 == item.expected
        at = min(bisect.bisect_right(CALIBRATION_EDGES, coding.evidence), len(bins) - 1)
        bins[at][0] += right
        bins[at][1] += 1
        scored.append((calibrated(coding.evidence), right))
    print("evidence below | titles | right | share right")
    for edge, (right, total) in zip(CALIBRATION_EDGES, bins, strict=True):
        share = f"{right / total:.1%}" if total else "-"
        print(f"{edge:>14} | {total:>6} | {right:>5} | {share}")
    print("\nCALIBRATION_SCORES (pooled so a higher evidence never scores lower):")
    print(tuple(_pooled(bins)))
    print("\nthreshold | coded (share of tuning half) | right among them")
    for threshold in (15, 25, 35, 45, 55, 65, 80):
        above = [right for score, right in scored if score >= threshold]
        if above:
            print(f"{threshold:>9} | {len(above) / len(tune):.1%} | {sum(above) / len(above):.1%}")


if __name__ == "__main__":
    main()
