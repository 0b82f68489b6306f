"""The built-in `test` provider behaves like a card processor in test mode."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.errors import DomainError
from services.orders.payments import SandboxProvider, get_provider

D = Decimal


@pytest.mark.parametrize(
    ("token", "code"),
    [
        ("tok_declined", "CARD_DECLINED"),
        ("tok_insufficient_funds", "INSUFFICIENT_FUNDS"),
        ("tok_processing_error", "PAYMENT_PROVIDER_ERROR"),
        ("tok_made_up", "PAYMENT_TOKEN_INVALID"),
    ],
)
async def test_failing_card_tokens(token: str, code: str) -> None:
    result = await SandboxProvider().authorize(
        token=token, amount=D("10.00"), currency="EUR", idempotency_key="k1"
    )
    assert not result.success
    assert result.error_code is not None and result.error_code.value == code


async def test_authorize_capture_refund_with_limits_and_idempotency() -> None:
    provider = SandboxProvider()
    auth = await provider.authorize(
        token="tok_visa", amount=D("30.00"), currency="EUR", idempotency_key="a"
    )
    again = await provider.authorize(
        token="tok_visa", amount=D("30.00"), currency="EUR", idempotency_key="a"
    )
    assert auth.success and auth.reference and again.reference == auth.reference
    over = await provider.capture(reference=auth.reference, amount=D("30.01"), idempotency_key="c0")
    assert not over.success
    captured = await provider.capture(
        reference=auth.reference, amount=D("30.00"), idempotency_key="c"
    )
    assert captured.success
    first = await provider.refund(reference=auth.reference, amount=D("10.00"), idempotency_key="r1")
    repeat = await provider.refund(
        reference=auth.reference, amount=D("10.00"), idempotency_key="r1"
    )
    assert first.success and repeat.reference == first.reference  # no second refund
    too_much = await provider.refund(
        reference=auth.reference, amount=D("20.01"), idempotency_key="r2"
    )
    assert (
        too_much.error_code is not None and too_much.error_code.value == "REFUND_EXCEEDS_CAPTURED"
    )
    rest = await provider.refund(reference=auth.reference, amount=D("20.00"), idempotency_key="r3")
    assert rest.success
    voided = await provider.void(reference=auth.reference, idempotency_key="v")
    assert not voided.success  # captured money is refunded, not voided


async def test_a_restarted_provider_still_refunds_its_charges() -> None:
    auth = await SandboxProvider().authorize(
        token="tok_mastercard", amount=D("12.34"), currency="EUR", idempotency_key="x"
    )
    assert auth.reference is not None
    fresh = SandboxProvider()
    assert (
        await fresh.refund(reference=auth.reference, amount=D("12.34"), idempotency_key="y")
    ).success
    assert not (
        await fresh.refund(reference=auth.reference, amount=D("0.01"), idempotency_key="z")
    ).success


def test_unknown_provider_is_a_payment_method_error() -> None:
    assert get_provider("test").name == "test"
    with pytest.raises(DomainError) as caught:
        get_provider("bitcoin")
    assert caught.value.code == "PAYMENT_METHOD_INVALID"
