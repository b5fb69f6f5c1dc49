"""Money as people read it: pounds with thousands separators. Registered as the `money`
template filter."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def format_money(amount: Decimal | int | None, pence: bool = False, symbol: bool = True) -> str:
    """£2,218,104. Whole pounds (rounded half up) unless `pence` is asked for and the amount
    has some; negatives get a minus sign, −£2,500. Without `symbol` for tables whose caption
    says the figures are in pounds."""
    if amount is None:
        return ""
    value = Decimal(amount)
    sign = ("−" if value < 0 else "") + ("£" if symbol else "")
    value = abs(value)
    if pence and value != value.to_integral_value():
        return f"{sign}{value.quantize(PENNY, rounding=ROUND_HALF_UP):,.2f}"
    return f"{sign}{value.quantize(Decimal(1), rounding=ROUND_HALF_UP):,.0f}"


def format_percent(value: Decimal | int | None) -> str:
    """47% or 47.5%: up to two places, no trailing zeros. Registered as `percent`."""
    if value is None:
        return ""
    text = f"{Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
    return f"{text}%"
