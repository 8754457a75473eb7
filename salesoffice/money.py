"""Money as the office writes it: ¥1,000,000.00 (UX.md), whatever the page's language."""

from decimal import Decimal


def yuan(value) -> str:
    if value is None or value == "":
        return "—"
    return f"¥{Decimal(value):,.2f}"


def percent(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{Decimal(value):.2f}%"
