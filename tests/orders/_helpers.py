"""Service-level helpers for orders tests: a cart ready for checkout, and placing it."""

from __future__ import annotations

import uuid

from models.accounts import User
from models.catalog import Variant
from models.orders import Cart, DeliveryMethod
from services.orders import cart as cart_service
from services.orders import checkout, details
from services.orders.checkout import CheckoutResult
from services.orders.details import AddressSpec

ADDRESS = AddressSpec(
    full_name="Alex Example",
    line1="Main Street 1",
    city="Berlin",
    postal_code="10115",
    country="DE",
)


async def ready_cart(
    *lines: tuple[Variant, int],
    user: User | None = None,
    email: str | None = "guest@example.com",
    method: DeliveryMethod = DeliveryMethod.STANDARD,
) -> Cart:
    """A cart with `lines`, an email, an address, a delivery method and the test provider.

    The e-mail is set with checkoutSetEmail for guests and signed-in customers alike; pass
    email=None to leave it unset (a customer's order then uses the account's e-mail).
    """
    cart = await cart_service.create_cart(user_id=user.id if user else None)
    for variant, quantity in lines:
        await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=quantity)
    if email:
        await details.set_email(cart=cart, email=email)
    await details.set_shipping_address(cart=cart, address=ADDRESS, address_id=None, user_id=None)
    await details.set_delivery(cart=cart, method=method)
    await details.set_payment_method(cart=cart, method="test")
    return cart


async def place(
    cart: Cart,
    *,
    user: User | None = None,
    payment_token: str | None = "tok_visa",
    key: str | None = None,
) -> CheckoutResult:
    """Complete checkout of `cart` as its owner (the guest holding its token, or `user`)."""
    return await checkout.complete_checkout(
        cart_token=None if user else cart.token,
        user_id=user.id if user else None,
        user_email=user.email if user else None,
        idempotency_key=key or uuid.uuid4().hex,
        payment_token=payment_token,
    )
