"""The benchmarks' pure helpers: no database, no timing."""

import pytest

from bench.stats import latency_summary, percentile


def test_percentile_is_a_measured_value_by_nearest_rank():
    samples = list(range(1, 1001))  # 1 … 1000
    assert percentile(samples, 50) == 500
    assert percentile(samples, 99) == 990
    assert percentile(samples, 100) == 1000


def test_percentile_ignores_the_order_of_the_samples():
    assert percentile([5, 1, 4, 2, 3], 50) == 3


def test_percentile_of_one_sample_is_that_sample():
    assert percentile([7.5], 99) == 7.5


@pytest.mark.parametrize("q", [0, -1, 101])
def test_percentile_refuses_a_rank_outside_0_100(q):
    with pytest.raises(ValueError):
        percentile([1, 2, 3], q)


def test_percentile_refuses_no_samples():
    with pytest.raises(ValueError):
        percentile([], 50)


def test_latency_summary():
    summary = latency_summary([1.0, 2.0, 3.0, 4.0])
    assert summary == {"requests": 4, "p50_ms": 2.0, "p99_ms": 4.0, "mean_ms": 2.5, "max_ms": 4.0}
