"""The console's SVG charts: bars scaled to the largest magnitude, lines on one scale."""

from hujin.lending import charts


class TestBars:
    def test_the_largest_magnitude_is_the_full_length_and_a_negative_is_marked(self):
        bars = charts.bars([("a", 40, "40"), ("b", -20, "−20"), ("c", 0, "0")])
        assert [b.length for b in bars] == [100.0, 50.0, 0.0]
        assert [b.negative for b in bars] == [False, True, False]
        assert bars[1].value == "−20"

    def test_nothing_but_zeros_draws_empty_bars(self):
        assert [b.length for b in charts.bars([("a", 0, "0"), ("b", 0, "0")])] == [0.0, 0.0]


class TestLines:
    def test_each_series_is_scaled_into_the_view_box_from_low_to_high(self):
        chart = charts.lines([("AUC", [0.5, 1.0]), ("KS", [0.0, None])], ["v1", "v2"],
                             low=0.0, high=1.0)  # fmt: skip
        auc, ks = chart.lines
        assert auc.dots == ((charts.PAD, 100.0), (charts.WIDTH - charts.PAD, charts.PAD))
        assert ks.dots == ((charts.PAD, charts.HEIGHT - charts.PAD),)  # no point where None
        assert auc.colour != ks.colour

    def test_a_single_point_sits_in_the_middle(self):
        chart = charts.lines([("PSI", [0.1])], ["2026-11"])
        assert chart.lines[0].dots[0][0] == charts.WIDTH / 2

    def test_no_values_no_chart(self):
        assert charts.lines([("PSI", [None, None])], ["a", "b"]) is None
        assert charts.lines([], []) is None
