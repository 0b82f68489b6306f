"""Carts: line validation against quantity limits, stock and availability; guest-cart merge."""

from __future__ import annotations

import pytest

from models.catalog import ProductStatus, Variant
from models.orders import Cart, CartLine, CartStatus
from services.errors import DomainError
from services.orders import cart as cart_service
from services.orders.errors import StockError
from tests.factories import create_user, create_variant

pytestmark = pytest.mark.usefixtures("database")


async def _guest_cart() -> Cart:
    return await cart_service.create_cart(user_id=None)


@pytest.mark.parametrize("quantity", [0, -1, 100])
async def test_quantity_outside_1_to_99_is_rejected(quantity: int) -> None:
    cart, variant = await _guest_cart(), await create_variant(stock=500)
    with pytest.raises(DomainError) as caught:
        await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=quantity)
    assert caught.value.code == "QUANTITY_INVALID"
    assert caught.value.field == "quantity"


async def test_adding_the_same_variant_adds_up_but_never_past_99() -> None:
    cart, variant = await _guest_cart(), await create_variant(stock=500)
    await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=60)
    line = await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=30)
    assert line.quantity == 90
    assert await CartLine.filter(cart_id=cart.id).count() == 1
    with pytest.raises(DomainError) as caught:
        await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=10)
    assert caught.value.code == "QUANTITY_INVALID"


async def test_more_than_the_stock_says_how_many_are_left() -> None:
    cart, variant = await _guest_cart(), await create_variant(stock=3)
    with pytest.raises(StockError) as caught:
        await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=4)
    assert caught.value.code == "INSUFFICIENT_STOCK"
    assert caught.value.available == 3
    assert "Only 3 left" in caught.value.message


async def test_inactive_product_and_unknown_variant_are_refused() -> None:
    cart = await _guest_cart()
    draft = await create_variant(status=ProductStatus.DRAFT)
    with pytest.raises(DomainError) as caught:
        await cart_service.add_line(cart=cart, variant_id=draft.id, quantity=1)
    # Refused like an unknown variant, so the error confirms nothing about the draft.
    assert (caught.value.code, caught.value.message) == ("VARIANT_NOT_FOUND", "No such variant.")
    with pytest.raises(DomainError) as missing:
        await cart_service.add_line(cart=cart, variant_id=-5, quantity=1)
    assert missing.value.code == "VARIANT_NOT_FOUND"


async def test_update_to_zero_removes_and_unknown_lines_are_not_found() -> None:
    cart, variant = await _guest_cart(), await create_variant(stock=5)
    line = await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=2)
    updated = await cart_service.update_line(cart=cart, line_id=line.id, quantity=5)
    assert updated is not None and updated.quantity == 5
    with pytest.raises(StockError):
        await cart_service.update_line(cart=cart, line_id=line.id, quantity=6)
    assert await cart_service.update_line(cart=cart, line_id=line.id, quantity=0) is None
    assert not await CartLine.filter(id=line.id).exists()
    with pytest.raises(DomainError) as caught:
        await cart_service.remove_line(cart=cart, line_id=line.id)
    assert caught.value.code == "LINE_NOT_FOUND"


async def test_a_line_of_another_cart_cannot_be_changed() -> None:
    mine, theirs, variant = await _guest_cart(), await _guest_cart(), await create_variant()
    line = await cart_service.add_line(cart=theirs, variant_id=variant.id, quantity=1)
    with pytest.raises(DomainError) as caught:
        await cart_service.update_line(cart=mine, line_id=line.id, quantity=2)
    assert caught.value.code == "LINE_NOT_FOUND"
    assert (await CartLine.get(id=line.id)).quantity == 1


async def test_tokens_are_long_random_and_a_customer_cart_needs_its_customer() -> None:
    guest = await _guest_cart()
    assert len(guest.token) >= 40
    owner, other = await create_user(), await create_user()
    cart = await cart_service.create_cart(user_id=owner.id)
    assert await cart_service.create_cart(user_id=owner.id) == cart  # one open cart
    assert await cart_service.find_cart(token=cart.token, user_id=None) is None
    assert await cart_service.find_cart(token=cart.token, user_id=other.id) is None
    assert await cart_service.find_cart(token=cart.token, user_id=owner.id) == cart
    assert await cart_service.find_cart(token=guest.token, user_id=None) == guest


async def test_merge_adds_quantities_capped_by_stock_and_closes_the_guest_cart() -> None:
    user = await create_user()
    scarce, plenty, only_guest = (
        await create_variant(stock=5),
        await create_variant(stock=50),
        await create_variant(stock=2),
    )
    mine = await cart_service.create_cart(user_id=user.id)
    await cart_service.add_line(cart=mine, variant_id=scarce.id, quantity=3)
    await cart_service.add_line(cart=mine, variant_id=plenty.id, quantity=1)
    guest = await _guest_cart()
    await cart_service.add_line(cart=guest, variant_id=scarce.id, quantity=4)
    await cart_service.add_line(cart=guest, variant_id=plenty.id, quantity=2)
    await cart_service.add_line(cart=guest, variant_id=only_guest.id, quantity=2)
    await Variant.filter(id=only_guest.id).update(stock=1)  # sold meanwhile

    await cart_service.merge_guest_cart(token=guest.token, user_id=user.id)

    quantities = {line.variant_id: line.quantity for line in await CartLine.filter(cart_id=mine.id)}
    assert quantities == {scarce.id: 5, plenty.id: 3, only_guest.id: 1}
    assert (await Cart.get(id=guest.id)).status == CartStatus.MERGED
    # Merging again (a second login) changes nothing.
    await cart_service.merge_guest_cart(token=guest.token, user_id=user.id)
    assert await CartLine.filter(cart_id=mine.id).count() == 3


async def test_merge_without_a_customer_cart_takes_the_guest_cart_over() -> None:
    user, variant = await create_user(), await create_variant()
    guest = await _guest_cart()
    await cart_service.add_line(cart=guest, variant_id=variant.id, quantity=2)
    await cart_service.merge_guest_cart(token=guest.token, user_id=user.id)
    assert await cart_service.find_cart(token=None, user_id=user.id) == guest
    # Unknown and foreign tokens are ignored, so sign-in never fails because of a cart.
    await cart_service.merge_guest_cart(token="no-such-token", user_id=user.id)
    await cart_service.merge_guest_cart(token=guest.token, user_id=(await create_user()).id)
    assert (await Cart.get(id=guest.id)).user_id == user.id


async def _pound_variant(stock: int = 10) -> Variant:
    variant = await create_variant(stock=stock)
    await Variant.filter(id=variant.id).update(currency="GBP")
    return await Variant.get(id=variant.id)


async def test_merge_keeps_one_currency_per_cart() -> None:
    # Given a customer's EUR cart and a guest cart with a GBP line
    user = await create_user()
    euro, pound = await create_variant(), await _pound_variant()
    mine = await cart_service.create_cart(user_id=user.id)
    await cart_service.add_line(cart=mine, variant_id=euro.id, quantity=1)
    guest = await _guest_cart()
    await cart_service.add_line(cart=guest, variant_id=pound.id, quantity=2)
    assert (await Cart.get(id=guest.id)).currency == "GBP"

    # When they sign in with the guest cart
    await cart_service.merge_guest_cart(token=guest.token, user_id=user.id)

    # Then the customer's cart stays EUR with only its EUR line; GBP lines stay behind
    merged = await Cart.get(id=mine.id)
    assert merged.currency == "EUR"
    assert [
        (line.variant_id, line.quantity) for line in await CartLine.filter(cart_id=mine.id)
    ] == [(euro.id, 1)]


async def test_merge_into_an_empty_customer_cart_takes_the_guest_currency() -> None:
    user = await create_user()
    pound = await _pound_variant()
    mine = await cart_service.create_cart(user_id=user.id)
    guest = await _guest_cart()
    await cart_service.add_line(cart=guest, variant_id=pound.id, quantity=3)

    await cart_service.merge_guest_cart(token=guest.token, user_id=user.id)

    merged = await Cart.get(id=mine.id)
    assert merged.currency == "GBP"
    assert [
        (line.variant_id, line.quantity) for line in await CartLine.filter(cart_id=mine.id)
    ] == [(pound.id, 3)]
