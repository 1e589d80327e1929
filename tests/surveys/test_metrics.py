from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys import metrics


def test_nps_of_the_eleven_scores_zero_to_ten_is_minus_45_45():
    assert metrics.nps(Counter(range(11))) == pytest.approx(-45.45, abs=0.005)


def test_nps_of_100_promoters_30_passives_80_detractors_is_9_52():
    assert metrics.nps({10: 100, 8: 30, 3: 80}) == pytest.approx(9.52, abs=0.005)


def test_csat_of_8_good_and_2_bad_ratings_is_80_percent():
    assert metrics.csat_percent({5: 4, 4: 4, 2: 1, 1: 1}) == 80.0


def test_mean_of_ratings():
    assert metrics.mean({1: 1, 5: 3}) == 4.0


def test_empty_distributions_have_no_score():
    assert metrics.nps({}) is None
    assert metrics.csat_percent({}) is None
    assert metrics.mean({}) is None


@given(st.dictionaries(st.integers(0, 10), st.integers(0, 1000), min_size=1))
def test_nps_is_between_minus_100_and_100(distribution):
    value = metrics.nps(distribution)
    if sum(distribution.values()):
        assert -100 <= value <= 100
    else:
        assert value is None
