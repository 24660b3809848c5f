"""How precise each percentage is: a 95% Wilson score interval beside it.

A table's percentage is a proportion of its base (the table's total). Its
confidence interval is the Wilson score interval for a binomial proportion,
which stays inside 0 to 100% and behaves well for small bases and for
proportions near 0 or 100%, where the simple "p ± 1.96 standard errors" does not.

The interval is computed from the figures shown beside it and from nothing
else: in a published (disclosure-controlled) table, from the rounded count over
the rounded total, so it cannot disclose more than they do; where the
percentage is `[c]` the interval is `[c]`, and where the total is 0 it is `[x]`.
Only an unrounded view computes it from the exact counts. The interval treats
the responses as a simple random sample: it says nothing of bias from who did
not respond or of weighting, and `interval_description` says so in the notes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Final

from .disclosure import (
    CONFIDENTIAL,
    DECIMAL_PLACES,
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    Count,
    Percentage,
)

CONFIDENCE_LEVEL: Final = 95
# The standard normal quantile for a two-sided interval at that level (1.96 for 95%).
Z: Final = NormalDist().inv_cdf(1 - (1 - CONFIDENCE_LEVEL / 100) / 2)
# Interval limits are rounded outwards, so the interval shown always contains the one
# computed; this guards against a limit of 12.34999... becoming 12.3 through float error.
_EPSILON: Final = 1e-9


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval's limits as percentages, or GSS symbols as text."""

    lower: Percentage
    upper: Percentage

    @property
    def is_numeric(self) -> bool:
        return isinstance(self.lower, float) and isinstance(self.upper, float)


NO_INTERVAL: Final = Interval(NOT_APPLICABLE, NOT_APPLICABLE)


def wilson(successes: int, trials: int, z: float = Z) -> tuple[float, float]:
    """The Wilson score interval for `successes` out of `trials`, as fractions (0 to 1)."""
    if trials <= 0:
        raise ValueError("a proportion needs at least one trial")
    if not 0 <= successes <= trials:
        raise ValueError(f"{successes} successes out of {trials} trials")
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


def _outwards(fraction: float, *, up: bool) -> float:
    scale = 100 * 10**DECIMAL_PLACES
    scaled = fraction * scale
    steps = math.ceil(scaled - _EPSILON) if up else math.floor(scaled + _EPSILON)
    return steps / 10**DECIMAL_PLACES


def interval(count: Count, base: Count) -> Interval:
    """The interval for `count` out of `base`, as shown beside their percentage.

    Both are figures as shown: numbers, or `[c]`. A `[c]` in either gives `[c]`;
    a base of 0 gives `[x]` (there is no proportion).
    """
    if count == CONFIDENTIAL or base == CONFIDENTIAL:
        return Interval(CONFIDENTIAL, CONFIDENTIAL)
    if not isinstance(count, int) or not isinstance(base, int):
        raise ValueError(f"no interval for {count!r} out of {base!r}")
    if base == 0:
        return Interval(NOT_AVAILABLE, NOT_AVAILABLE)
    # A perturbed count can pass its perturbed total: its interval is then that of all.
    low, high = wilson(min(count, base), base)
    return Interval(_outwards(low, up=False), _outwards(high, up=True))


def interval_text(value: Interval) -> str:
    """`12.3 to 15.6`, or the symbol where there is no numeric interval."""
    if value.is_numeric:
        return f"{value.lower:.{DECIMAL_PLACES}f} to {value.upper:.{DECIMAL_PLACES}f}"
    return str(value.lower)


def interval_description(*, controlled: bool) -> str:
    """How the confidence intervals were computed, in words, from this module's constants."""
    places = "one decimal place" if DECIMAL_PLACES == 1 else f"{DECIMAL_PLACES} decimal places"
    source = (
        "the published (perturbed) count over the published total, so they disclose nothing "
        "more than the table (a count published above its total is taken as the total)"
        if controlled
        else "the unrounded counts"
    )
    return (
        f"Each percentage has a {CONFIDENCE_LEVEL}% confidence interval: the Wilson score "
        f"interval for a proportion (z = {Z:.2f}), computed from {source}, and rounded "
        f"outwards to {places}. {NOT_AVAILABLE} marks an interval of a total of zero and "
        f"{NOT_APPLICABLE} a total row, which has none. The intervals treat the responses "
        "as a simple random sample of the population: they do not allow for non-response, "
        "weighting or a complex sample design, and narrow intervals are no guarantee that "
        "the survey is free of bias."
    )
