import pytest

from hujin.suitability.levels import level_for_score, level_min, product_levels_allowed


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0, "C1"),
        (20, "C1"),
        (21, "C2"),
        (40, "C2"),
        (41, "C3"),
        (60, "C3"),
        (61, "C4"),
        (80, "C4"),
        (81, "C5"),
        (100, "C5"),
    ],
)
def test_bands_of_a_100_point_questionnaire(score, level):
    assert level_for_score(score=score, max_score=100) == level


def test_bands_are_shares_of_the_maximum_score():
    assert level_for_score(score=10, max_score=50) == "C1"  # 20 %
    assert level_for_score(score=11, max_score=50) == "C2"  # 22 %


@pytest.mark.parametrize(("score", "max_score"), [(-1, 100), (101, 100), (0, 0)])
def test_refuses_scores_out_of_range(score, max_score):
    with pytest.raises(ValueError):
        level_for_score(score=score, max_score=max_score)


def test_level_min_picks_the_more_cautious():
    assert level_min("C4", "C2") == "C2" and level_min("C1", "C5") == "C1"


@pytest.mark.parametrize(
    ("level", "allowed"),
    [("C1", ("R1",)), ("C3", ("R1", "R2", "R3")), ("C5", ("R1", "R2", "R3", "R4", "R5"))],
)
def test_cn_may_buy_rn_and_below(level, allowed):
    assert product_levels_allowed(level) == allowed
