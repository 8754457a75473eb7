from bench.goals import Check, Goal, describe, entry, goal_met, ratio


def test_ratio_is_product_over_limit():
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(30.0, None) is None
    assert ratio(30.0, 0) is None


def test_absolute_goals():
    assert goal_met(Goal(at_most=30), 30, None)
    assert not goal_met(Goal(at_most=30), 30.1, None)
    assert goal_met(Goal(at_least=100), 100, None)
    assert not goal_met(Goal(at_least=100), 99, None)


def test_ratio_goals():
    assert goal_met(Goal(ratio_at_most=2), 20, 10)
    assert not goal_met(Goal(ratio_at_most=2), 21, 10)
    assert goal_met(Goal(ratio_at_least=0.5), 50, 100)
    assert not goal_met(Goal(ratio_at_least=0.5), 49, 100)


def test_a_ratio_goal_without_its_limit_is_not_met():
    assert not goal_met(Goal(ratio_at_most=2), 1, None)


def test_every_part_of_a_goal_must_hold():
    goal = Goal(at_most=30, ratio_at_most=4)
    assert goal_met(goal, 25, 10)
    assert not goal_met(goal, 25, 5)  # 5× its limit
    assert not goal_met(goal, 35, 10)  # over 30 ms


def test_same_as_goal_compares_with_the_other_size():
    assert goal_met(Goal(same_as=12), 12, None)
    assert not goal_met(Goal(same_as=12), 13, None)


def test_goals_are_described_in_words():
    assert describe(Goal(at_most=30, ratio_at_most=4), "ms") == "≤ 30 ms and ≤ 4× limit"
    assert describe(Goal(ratio_at_least=0.5), "req/s") == "≥ 50% of limit"
    assert describe(Goal(same_as=3, same_as_label="20 claims"), "queries") == (
        "= 3 (as at 20 claims)"
    )


def test_check_as_dict_carries_ratio_goal_and_verdict():
    check = Check("p50, c=1", "ms", 27.7, 3.1, Goal(ratio_at_most=2))
    assert check.as_dict() == {
        "figure": "p50, c=1",
        "unit": "ms",
        "product": 27.7,
        "limit": 3.1,
        "ratio": 8.94,
        "goal": "≤ 2× limit",
        "goal_met": False,
    }


def test_a_check_without_goal_is_judged_by_nothing():
    assert Check("p50, test client", "ms", 27.7, None, None).goal_met is None


def test_entry_headline_ratio_and_overall_verdict():
    checks = [
        Check("context", "ms", 5.0, None, None),
        Check("p50", "ms", 20.0, 10.0, Goal(ratio_at_most=2)),
        Check("p99", "ms", 40.0, 12.0, Goal(at_most=30)),
    ]
    result = entry(checks, {"customers": 1000})
    assert result["ratio"] == 2.0
    assert result["goal"] == "p50 ≤ 2× limit; p99 ≤ 30 ms"
    assert result["goal_met"] is False
    assert result["customers"] == 1000
    assert [c["goal_met"] for c in result["checks"]] == [None, True, False]


def test_entry_with_all_goals_met():
    result = entry([Check("p50", "ms", 0.5, None, Goal(at_most=1))], {})
    assert result["goal_met"] is True
    assert result["ratio"] is None
