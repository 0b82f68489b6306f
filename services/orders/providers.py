"""Payment providers: the interface, the registry, and the built-in `test` provider.

A provider is anything with the `PaymentProvider` shape; `test` is built in and behaves
like a real card processor in test mode. Its card tokens:

    tok_visa, tok_mastercard    authorize and capture succeed
    tok_declined                CARD_DECLINED
    tok_insufficient_funds      INSUFFICIENT_FUNDS
    tok_processing_error        PAYMENT_PROVIDER_ERROR (the processor failed)
    anything else               PAYMENT_TOKEN_INVALID

Every call carries an idempotency key: repeating a call with the same key returns the first
result and moves no money twice, and `lookup` tells what a key's call did (None: the
provider never received it), so an interrupted call can be resolved later.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from services.orders.errors import OrderErrorCode, error

ZERO = Decimal("0.00")
C = OrderErrorCode


@dataclass(frozen=True)
class ProviderResult:
    """What a provider answered: success with a reference, or a failure code and message."""

    success: bool
    reference: str | None = None
    amount: Decimal = ZERO
    error_code: OrderErrorCode | None = None
    message: str = ""


class PaymentProvider(Protocol):
    name: str

    async def authorize(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderResult: ...

    async def capture(
        self, *, reference: str, amount: Decimal, idempotency_key: str
    ) -> ProviderResult: ...

    async def refund(
        self, *, reference: str, amount: Decimal, idempotency_key: str
    ) -> ProviderResult: ...

    async def void(self, *, reference: str, idempotency_key: str) -> ProviderResult: ...

    async def lookup(self, *, idempotency_key: str) -> ProviderResult | None:
        """What the call sent with this key answered, or None if it never arrived."""
        ...


@dataclass
class _Authorization:
    amount: Decimal
    captured: Decimal = ZERO
    refunded: Decimal = ZERO
    voided: bool = False


TEST_CARD_OUTCOMES: dict[str, tuple[OrderErrorCode, str] | None] = {
    "tok_visa": None,
    "tok_mastercard": None,
    "tok_declined": (C.CARD_DECLINED, "The card was declined."),
    "tok_insufficient_funds": (C.INSUFFICIENT_FUNDS, "The card has insufficient funds."),
    "tok_processing_error": (
        C.PAYMENT_PROVIDER_ERROR,
        "The payment processor failed; try again in a moment.",
    ),
}


class ProviderUnavailable(Exception):
    """The provider's answer never arrived (timeout, dropped connection): the outcome is unknown."""


@dataclass
class SandboxProvider:
    """The built-in `test` provider: a card processor in test mode, kept in memory.

    References encode the authorized amount, so refunds still work after a restart.
    `moves` lists every call that moved money (not repeats), for tests and audits;
    `lose_answers` names operations whose answer is dropped after the work is done, the way
    a network failure or a crash would, and `unreachable` operations that fail before the
    provider sees them (tests use both to interrupt payments).
    """

    name: str = "test"
    moves: list[tuple[str, str]] = field(default_factory=list)
    lose_answers: set[str] = field(default_factory=set)
    unreachable: set[str] = field(default_factory=set)
    _authorizations: dict[str, _Authorization] = field(default_factory=dict)
    _answers: dict[str, ProviderResult] = field(default_factory=dict)

    def _answer(self, operation: str, key: str, result: ProviderResult) -> ProviderResult:
        self._answers[key] = result
        if result.success:
            self.moves.append((operation, key))
        if operation in self.lose_answers:
            raise ProviderUnavailable(f"the answer to {operation} {key} was lost")
        return result

    def _reach(self, operation: str) -> None:
        if operation in self.unreachable:
            raise ProviderUnavailable(f"{operation} did not reach the provider")

    def _find(self, reference: str) -> _Authorization | None:
        found = self._authorizations.get(reference)
        if found is None and reference.startswith("test_auth_"):
            try:
                cents = int(reference.rsplit("_", 1)[1])
            except ValueError:
                return None
            # Known from the reference only (e.g. after a restart): assume it was captured.
            found = _Authorization(amount=Decimal(cents) / 100, captured=Decimal(cents) / 100)
            self._authorizations[reference] = found
        return found

    async def lookup(self, *, idempotency_key: str) -> ProviderResult | None:
        return self._answers.get(idempotency_key)

    async def authorize(
        self, *, token: str, amount: Decimal, currency: str, idempotency_key: str
    ) -> ProviderResult:
        self._reach("authorize")
        if idempotency_key in self._answers:
            return self._answers[idempotency_key]
        if token not in TEST_CARD_OUTCOMES:
            return self._answer(
                "authorize",
                idempotency_key,
                ProviderResult(
                    False,
                    error_code=C.PAYMENT_TOKEN_INVALID,
                    message="Unknown card token; the test provider accepts tok_visa, "
                    "tok_mastercard, tok_declined, tok_insufficient_funds and "
                    "tok_processing_error.",
                ),
            )
        outcome = TEST_CARD_OUTCOMES[token]
        if outcome is not None:
            return self._answer(
                "authorize",
                idempotency_key,
                ProviderResult(False, error_code=outcome[0], message=outcome[1]),
            )
        cents = int(amount * 100)
        reference = f"test_auth_{uuid.uuid4().hex[:16]}_{cents}"
        self._authorizations[reference] = _Authorization(amount=amount)
        return self._answer("authorize", idempotency_key, ProviderResult(True, reference, amount))

    async def capture(
        self, *, reference: str, amount: Decimal, idempotency_key: str
    ) -> ProviderResult:
        self._reach("capture")
        if idempotency_key in self._answers:
            return self._answers[idempotency_key]
        auth = self._find(reference)
        if auth is None or auth.voided:
            return ProviderResult(
                False, error_code=C.PAYMENT_PROVIDER_ERROR, message="No such authorization."
            )
        if auth.captured + amount > auth.amount:
            return ProviderResult(
                False, error_code=C.PAYMENT_PROVIDER_ERROR, message="Capture exceeds authorization."
            )
        auth.captured += amount
        return self._answer("capture", idempotency_key, ProviderResult(True, reference, amount))

    async def refund(
        self, *, reference: str, amount: Decimal, idempotency_key: str
    ) -> ProviderResult:
        self._reach("refund")
        if idempotency_key in self._answers:
            return self._answers[idempotency_key]
        auth = self._find(reference)
        if auth is None:
            return ProviderResult(
                False, error_code=C.PAYMENT_PROVIDER_ERROR, message="No such charge."
            )
        if amount <= 0 or auth.refunded + amount > auth.captured:
            return ProviderResult(
                False,
                error_code=C.REFUND_EXCEEDS_CAPTURED,
                message=f"Only {auth.captured - auth.refunded:.2f} of this charge can be refunded.",
            )
        auth.refunded += amount
        refund_ref = f"test_refund_{uuid.uuid4().hex[:16]}"
        return self._answer("refund", idempotency_key, ProviderResult(True, refund_ref, amount))

    async def void(self, *, reference: str, idempotency_key: str) -> ProviderResult:
        self._reach("void")
        if idempotency_key in self._answers:
            return self._answers[idempotency_key]
        auth = self._find(reference)
        if auth is None or auth.captured > 0:
            return ProviderResult(
                False,
                error_code=C.PAYMENT_PROVIDER_ERROR,
                message="Only uncaptured payments can be voided.",
            )
        auth.voided = True
        return self._answer("void", idempotency_key, ProviderResult(True, reference, auth.amount))


_providers: dict[str, PaymentProvider] = {"test": SandboxProvider()}


def register_provider(provider: PaymentProvider) -> None:
    """Make a provider selectable by its name (e.g. from an integration's start-up)."""
    _providers[provider.name] = provider


def provider_names() -> list[str]:
    return sorted(_providers)


def get_provider(name: str) -> PaymentProvider:
    provider = _providers.get(name)
    if provider is None:
        raise error(
            C.PAYMENT_METHOD_INVALID,
            f"Unknown payment method {name!r}; choose one of {', '.join(provider_names())}.",
            field="paymentMethod",
        )
    return provider
