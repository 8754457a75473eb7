"""The table ``make bench`` prints: one line per checked figure. Pure (tests/bench/)."""

from __future__ import annotations

HEADER = ("benchmark", "figure", "product", "limit", "ratio", "goal", "met")


def figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        text = f"{value:.2f}" if value < 10 else f"{value:.1f}"
    elif unit == "s":
        text = f"{value:.3f}" if value < 1 else f"{value:.2f}"
    elif unit in ("req/s", "queries"):
        text = f"{value:,.0f}"
    else:
        text = f"{value:g}"
    return f"{text} {unit}"


def ratio_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}×" if value < 10 else f"{value:.0f}×"


def met_text(value: bool | None) -> str:
    return {True: "met", False: "NOT met", None: ""}[value]


def rows_of(results: dict[str, dict]) -> list[tuple[str, ...]]:
    """One row per check of each benchmark's entry (see bench.goals.entry)."""
    rows = []
    for name, result in results.items():
        if "error" in result:
            rows.append((name, f"failed: {result['error'][:60]}", "—", "—", "—", "", "NOT met"))
        for check in result.get("checks", []):
            rows.append(
                (
                    name,
                    check["figure"],
                    figure(check["product"], check["unit"]),
                    figure(check["limit"], check["unit"]),
                    ratio_text(check["ratio"]),
                    check["goal"] or "",
                    met_text(check["goal_met"]),
                )
            )
    return rows


def markdown(rows: list[tuple[str, ...]], header: tuple[str, ...] = HEADER) -> str:
    """A Markdown table whose columns line up in a terminal too."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
