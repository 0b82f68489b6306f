"""Money as the API shows it: a decimal amount with its currency (shared by every domain)."""

from __future__ import annotations

from decimal import Decimal

import strawberry


@strawberry.type(description="An amount of money.")
class Money:
    amount: Decimal = strawberry.field(description="Decimal amount, never a float.")
    currency: str = strawberry.field(description="ISO 4217 currency code, e.g. EUR.")
