from bench.table import figure, markdown, met_text, ratio_text, rows_of


def test_figures_carry_their_unit():
    assert figure(2.345, "ms") == "2.35 ms"
    assert figure(27.71, "ms") == "27.7 ms"
    assert figure(0.8712, "s") == "0.871 s"
    assert figure(11.3, "s") == "11.30 s"
    assert figure(1234.6, "req/s") == "1,235 req/s"
    assert figure(10, "queries") == "10 queries"
    assert figure(None, "ms") == "—"


def test_ratio_and_verdict_texts():
    assert ratio_text(8.936) == "8.94×"
    assert ratio_text(12.4) == "12×"
    assert ratio_text(None) == "—"
    assert met_text(True) == "met"
    assert met_text(False) == "NOT met"
    assert met_text(None) == ""


def test_rows_of_results_one_per_check():
    results = {
        "lookup": {
            "checks": [
                {
                    "figure": "p50, c=1",
                    "unit": "ms",
                    "product": 27.7,
                    "limit": 3.1,
                    "ratio": 8.94,
                    "goal": "≤ 2× limit",
                    "goal_met": False,
                }
            ]
        },
        "broken": {"error": "RuntimeError: no server", "checks": []},
    }
    assert rows_of(results) == [
        ("lookup", "p50, c=1", "27.7 ms", "3.10 ms", "8.94×", "≤ 2× limit", "NOT met"),
        ("broken", "failed: RuntimeError: no server", "—", "—", "—", "", "NOT met"),
    ]


def test_markdown_columns_line_up():
    text = markdown([("a", "long value")], header=("name", "v"))
    lines = text.splitlines()
    assert lines == ["| name | v          |", "|------|------------|", "| a    | long value |"]
    assert len({len(line) for line in lines}) == 1
