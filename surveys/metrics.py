"""The survey formulas, kept pure so that they can be checked against published examples.

Each takes a distribution ``{score: count}`` (what the database GROUP BY
returns) and gives ``None`` when there is nothing to measure.
"""

from collections.abc import Mapping

Distribution = Mapping[int, int]

CSAT_GOOD = (4, 5)  # "satisfied" and "very satisfied" on a 1-5 scale
NPS_PROMOTERS = range(9, 11)
NPS_DETRACTORS = range(0, 7)


def _total(distribution: Distribution) -> int:
    return sum(distribution.values())


def mean(distribution: Distribution) -> float | None:
    total = _total(distribution)
    if not total:
        return None
    return round(sum(score * count for score, count in distribution.items()) / total, 2)


def csat_percent(distribution: Distribution) -> float | None:
    """Share of 4 and 5 ratings among all ratings, in percent."""
    total = _total(distribution)
    if not total:
        return None
    good = sum(count for score, count in distribution.items() if score in CSAT_GOOD)
    return round(100 * good / total, 2)


def nps(distribution: Distribution) -> float | None:
    """Net Promoter Score: % of 9-10 minus % of 0-6, from -100 to +100."""
    total = _total(distribution)
    if not total:
        return None
    promoters = sum(count for score, count in distribution.items() if score in NPS_PROMOTERS)
    detractors = sum(count for score, count in distribution.items() if score in NPS_DETRACTORS)
    return round(100 * (promoters - detractors) / total, 2)


def percent(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return round(100 * part / whole, 1)
