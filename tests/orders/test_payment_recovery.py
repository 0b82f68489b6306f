"""Provider calls run outside transactions; an interrupted charge, refund or void is recorded
and finished later by recovery without moving money twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from models.orders import Order, OrderStatus, Payment, PaymentStatus, Refund, RefundStatus
from services.errors import DomainError, DomainErrors
from services.orders import checkout, providers, recovery, refunds, reservations, settlement
from services.orders.lifecycle import SYSTEM, Actor
from services.orders.providers import SandboxProvider
from tests.factories import create_variant
from tests.orders._helpers import place, ready_cart

pytestmark = pytest.mark.usefixtures("database")
D = Decimal
STAFF = Actor("staff")


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxProvider]:
    """A fresh `test` provider whose every money movement the test can count."""
    provider = SandboxProvider()
    monkeypatch.setitem(providers._providers, "test", provider)
    yield provider


def _ops(provider: SandboxProvider) -> list[str]:
    return [operation for operation, _ in provider.moves]


def _later() -> datetime:
    return datetime.now(UTC) + timedelta(seconds=1)


async def _unpaid_order() -> Order:
    variant = await create_variant(price="10.00", stock=5)
    return (await place(await ready_cart((variant, 1)), payment_token=None)).order


async def test_a_lost_authorize_answer_is_recovered_and_charged_once(
    sandbox: SandboxProvider,
) -> None:
    # Given a charge whose authorization the provider made but whose answer was lost
    order = await _unpaid_order()
    sandbox.lose_answers = {"authorize"}
    first = await checkout.pay_order(order=order, payment_token="tok_visa", actor=SYSTEM)
    sandbox.lose_answers = set()

    # Then the shopper is told it is being settled, and the intent is on record
    assert first.payment_error is not None
    assert first.payment_error.code == "PAYMENT_IN_PROGRESS"
    payment = await Payment.get(order_id=order.id)
    assert payment.status == PaymentStatus.PENDING
    assert payment.idempotency_key
    assert (await Order.get(id=order.id)).status == OrderStatus.UNPAID
    # and paying again meanwhile cannot start a second charge
    with pytest.raises(DomainError) as again:
        await checkout.pay_order(order=order, payment_token="tok_visa", actor=SYSTEM)
    assert again.value.code == "PAYMENT_IN_PROGRESS"

    # When recovery runs
    resolved = await recovery.recover_payments(now=_later(), older_than=timedelta(0))

    # Then the order is paid with the one authorization the provider made, captured once
    assert resolved == 1
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    payment = await Payment.get(id=payment.id)
    assert payment.status == PaymentStatus.CAPTURED
    assert payment.captured_amount == order.total
    assert _ops(sandbox) == ["authorize", "capture"]
    # and running it again changes nothing
    assert await recovery.recover_payments(now=_later(), older_than=timedelta(0)) == 0
    assert _ops(sandbox) == ["authorize", "capture"]


async def test_a_lost_capture_answer_is_recovered_without_a_second_capture(
    sandbox: SandboxProvider,
) -> None:
    order = await _unpaid_order()
    sandbox.lose_answers = {"capture"}
    result = await checkout.pay_order(order=order, payment_token="tok_visa", actor=SYSTEM)
    sandbox.lose_answers = set()
    assert result.payment_error is not None
    assert result.payment_error.code == "PAYMENT_IN_PROGRESS"
    assert (await Payment.get(order_id=order.id)).status == PaymentStatus.AUTHORIZED

    await recovery.recover_payments(now=_later(), older_than=timedelta(0))

    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert (await Payment.get(order_id=order.id)).status == PaymentStatus.CAPTURED
    assert _ops(sandbox) == ["authorize", "capture"]


async def test_a_charge_that_never_reached_the_provider_fails_and_can_be_retried(
    sandbox: SandboxProvider,
) -> None:
    order = await _unpaid_order()
    sandbox.unreachable = {"authorize"}
    await checkout.pay_order(order=order, payment_token="tok_visa", actor=SYSTEM)
    sandbox.unreachable = set()

    await recovery.recover_payments(now=_later(), older_than=timedelta(0))

    payment = await Payment.get(order_id=order.id)
    assert payment.status == PaymentStatus.FAILED
    assert sandbox.moves == []
    retry = await checkout.pay_order(
        order=await Order.get(id=order.id), payment_token="tok_visa", actor=SYSTEM
    )
    assert retry.payment_error is None
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID


async def test_a_refund_whose_recording_fails_keeps_its_intent_and_is_finished_once(
    sandbox: SandboxProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a paid order, and a fault in the step after the provider refunded
    order = (await place(await ready_cart((await create_variant(price="10.00", stock=5), 1)))).order
    real_record = settlement._record_refund

    async def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the process died after the provider refunded")

    monkeypatch.setattr(settlement, "_record_refund", crash)
    with pytest.raises(RuntimeError):
        await refunds.refund_order(order_id=order.id, amount=D("5.00"), reason="", actor=STAFF)
    monkeypatch.setattr(settlement, "_record_refund", real_record)

    # Then the money has gone and the refund is on record, still pending
    assert _ops(sandbox) == ["authorize", "capture", "refund"]
    pending = await Refund.get(payment__order_id=order.id)
    assert pending.status == RefundStatus.PENDING
    assert pending.amount == D("5.00")
    # and while pending it counts: no second refund can exceed what was captured
    with pytest.raises(DomainError) as over:
        await refunds.refund_order(order_id=order.id, amount=order.total, reason="", actor=STAFF)
    assert over.value.code == "REFUND_EXCEEDS_CAPTURED"

    # When recovery runs, the refund is recorded without refunding again
    await recovery.recover_payments(now=_later(), older_than=timedelta(0))
    assert (await Refund.get(id=pending.id)).status == RefundStatus.SUCCEEDED
    assert _ops(sandbox) == ["authorize", "capture", "refund"]
    settled = await Order.get(id=order.id)
    assert settled.status == OrderStatus.PARTIALLY_REFUNDED
    assert settled.refunded_total == D("5.00")
    assert (await Payment.get(order_id=order.id)).refunded_amount == D("5.00")


async def test_a_refund_without_an_answer_is_reported_then_completed(
    sandbox: SandboxProvider,
) -> None:
    order = (await place(await ready_cart((await create_variant(price="10.00", stock=5), 1)))).order
    sandbox.unreachable = {"refund"}
    with pytest.raises(DomainErrors) as caught:
        await refunds.refund_order(
            order_id=order.id, amount=order.total, reason="", actor=STAFF, idempotency_key="r-1"
        )
    sandbox.unreachable = set()
    assert [e.code for e in caught.value.errors] == ["PAYMENT_IN_PROGRESS"]
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID

    # Re-sending the same key finishes the same refund, once
    done = await refunds.refund_order(
        order_id=order.id, amount=order.total, reason="", actor=STAFF, idempotency_key="r-1"
    )
    assert done.status == OrderStatus.REFUNDED
    assert _ops(sandbox) == ["authorize", "capture", "refund"]
    assert await Refund.filter(payment__order_id=order.id).count() == 1


async def test_the_sweeper_voids_an_authorized_payment_when_it_cancels(
    sandbox: SandboxProvider,
) -> None:
    # Given an unpaid order whose card was authorized but whose capture never happened
    order = await _unpaid_order()
    sandbox.unreachable = {"capture"}
    await checkout.pay_order(order=order, payment_token="tok_visa", actor=SYSTEM)
    sandbox.unreachable = set()
    payment = await Payment.get(order_id=order.id)
    assert payment.status == PaymentStatus.AUTHORIZED

    # When its reservation runs out and the sweeper runs
    after = (await Order.get(id=order.id)).reserved_until
    assert after is not None
    released = await reservations.release_expired_reservations(now=after + timedelta(minutes=5))

    # Then the order is cancelled through the cancel path and the authorization released
    assert released >= 1
    assert (await Order.get(id=order.id)).status == OrderStatus.CANCELLED
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.VOIDED
    assert _ops(sandbox) == ["authorize", "void"]


async def test_cancelling_waits_for_a_charge_under_way(sandbox: SandboxProvider) -> None:
    order = await _unpaid_order()
    sandbox.lose_answers = {"authorize"}
    await checkout.pay_order(order=order, payment_token="tok_visa", actor=SYSTEM)
    sandbox.lose_answers = set()
    with pytest.raises(DomainError) as caught:
        await refunds.cancel_order(order_id=order.id, actor=SYSTEM)
    assert caught.value.code == "PAYMENT_IN_PROGRESS"
    assert (await Order.get(id=order.id)).status == OrderStatus.UNPAID
