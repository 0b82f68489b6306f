"""How a recommended age range reads to a shopper."""

from __future__ import annotations


def age_label(low: int | None, high: int | None) -> str:
    """ "3-6 years" or "18+ months": whole years from two years up, months otherwise."""
    low = low or 0
    in_years = low >= 24 and low % 12 == 0 and (high is None or high % 12 == 0)

    def amount(months: int) -> int:
        return months // 12 if in_years and months >= 24 else months

    unit = "years" if in_years else "months"
    if high is None:
        return f"{amount(low)}+ {unit}"
    return f"{amount(low)}-{amount(high)} {unit}"
