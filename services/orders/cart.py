"""Carts: guest carts held by a long random token, one open cart per signed-in customer."""

from __future__ import annotations

import secrets

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from models.catalog import Variant
from models.orders import Cart, CartLine, CartStatus
from services import clock
from services.catalog.visibility import PUBLIC_STATUSES
from services.orders.errors import OrderErrorCode, StockError, error

MAX_LINE_QUANTITY = 99
TOKEN_BYTES = 32  # 43 url-safe characters: the token is a guest cart's only credential


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


async def open_cart_of(user_id: int) -> Cart | None:
    """The customer's open cart (the oldest, should two have been opened at once)."""
    return await Cart.filter(user_id=user_id, status=CartStatus.OPEN).order_by("id").first()


async def get_cart(*, cart_id: int) -> Cart:
    """The cart as stored now (read again after a change)."""
    return await Cart.get(id=cart_id)


async def create_cart(*, user_id: int | None) -> Cart:
    """A new guest cart, or the customer's open cart (created when they have none)."""
    if user_id is not None:
        existing = await open_cart_of(user_id)
        if existing is not None:
            return existing
    return await Cart.create(token=new_token(), user_id=user_id)


def may_use(cart: Cart, *, token: str | None, user_id: int | None) -> bool:
    """A customer's cart belongs to that customer only; a guest cart to whoever holds its token."""
    if cart.user_id is not None:
        return cart.user_id == user_id
    return holds_token(cart, token)


def holds_token(cart: Cart, token: str | None) -> bool:
    """True when `token` is the cart's secret (compared in constant time)."""
    return bool(token) and secrets.compare_digest(cart.token, token or "")


async def find_cart(*, token: str | None, user_id: int | None) -> Cart | None:
    """The caller's open cart: by token when given and theirs, else the customer's own cart."""
    if token:
        cart = await Cart.get_or_none(token=token, status=CartStatus.OPEN)
        if cart is not None and may_use(cart, token=token, user_id=user_id):
            return cart
    if user_id is not None:
        return await open_cart_of(user_id)
    return None


async def require_cart(*, token: str | None, user_id: int | None, create: bool = False) -> Cart:
    """Like find_cart, creating a customer's cart on demand; CART_NOT_FOUND otherwise."""
    cart = await find_cart(token=token, user_id=user_id)
    if cart is None and create and user_id is not None:
        cart = await create_cart(user_id=user_id)
    if cart is None:
        raise error(
            OrderErrorCode.CART_NOT_FOUND,
            "No open cart: call cartCreate and send its token as the X-Cart-Token header.",
            field="token",
        )
    return cart


def _check_quantity(quantity: int, *, minimum: int = 1) -> None:
    if not minimum <= quantity <= MAX_LINE_QUANTITY:
        raise error(
            OrderErrorCode.QUANTITY_INVALID,
            f"Quantity must be between {minimum} and {MAX_LINE_QUANTITY}.",
            field="quantity",
        )


async def _sellable(variant_id: int) -> Variant:
    # A variant of an unpublished product is refused exactly like an unknown one: neither
    # the code nor the message may confirm that it exists (or name the product).
    variant = await Variant.get_or_none(
        id=variant_id, product__status__in=sorted(PUBLIC_STATUSES)
    ).select_related("product")
    if variant is None:
        raise error(OrderErrorCode.VARIANT_NOT_FOUND, "No such variant.", field="variantId")
    return variant


async def _touch(cart: Cart) -> None:
    await Cart.filter(id=cart.id).update(updated_at=clock.now())


async def add_line(*, cart: Cart, variant_id: int, quantity: int) -> CartLine:
    """Add units of a variant; a variant already in the cart gets its quantity increased.

    The cart takes the currency of its first line; a variant priced in another currency is
    refused with CURRENCY_MISMATCH. Concurrent adds to one cart are serialized by a lock on
    the cart row, and the quantity grows by a conditional UPDATE at the database.
    """
    _check_quantity(quantity)
    variant = await _sellable(variant_id)
    try:
        async with in_transaction():
            return await _add_locked(cart, variant, quantity)
    except IntegrityError:
        # The same variant was added at the same moment (a database without row locks):
        # the line exists now, so this add increases it.
        async with in_transaction():
            return await _add_locked(cart, variant, quantity)


async def _add_locked(cart: Cart, variant: Variant, quantity: int) -> CartLine:
    locked = await Cart.filter(id=cart.id).select_for_update().get()
    has_lines = await CartLine.filter(cart_id=cart.id).exists()
    if not has_lines and locked.currency != variant.currency:
        await Cart.filter(id=cart.id).update(currency=variant.currency)
    elif has_lines and locked.currency != variant.currency:
        raise error(
            OrderErrorCode.CURRENCY_MISMATCH,
            f"This cart is in {locked.currency} and {variant.product.name} is priced in "
            f"{variant.currency}; a cart holds one currency, so order it separately.",
            field="variantId",
        )
    cart.currency = variant.currency
    cap = min(MAX_LINE_QUANTITY, variant.stock)
    line = await CartLine.get_or_none(cart_id=cart.id, variant_id=variant.id)
    if line is None:
        _check_wanted(quantity, have=0, stock=variant.stock)
        line = await CartLine.create(cart_id=cart.id, variant_id=variant.id, quantity=quantity)
    else:
        # Conditional, so the cap holds even against a concurrent update_line.
        for _ in range(3):
            grown = await CartLine.filter(id=line.id, quantity__lte=cap - quantity).update(
                quantity=F("quantity") + quantity
            )
            if grown:
                break
            current = await CartLine.get(id=line.id)
            _check_wanted(quantity, have=current.quantity, stock=variant.stock)
        line = await CartLine.get(id=line.id)
    await _touch(cart)
    return line


def _check_wanted(quantity: int, *, have: int, stock: int) -> None:
    wanted = quantity + have
    if wanted > MAX_LINE_QUANTITY:
        raise error(
            OrderErrorCode.QUANTITY_INVALID,
            f"At most {MAX_LINE_QUANTITY} of one item per order"
            + (f"; {have} are already in the cart." if have else "."),
            field="quantity",
        )
    if wanted > stock:
        raise StockError(available=stock)


async def update_line(*, cart: Cart, line_id: int, quantity: int) -> CartLine | None:
    """Set a line's quantity; 0 removes the line (and returns None)."""
    _check_quantity(quantity, minimum=0)
    line = await CartLine.get_or_none(id=line_id, cart_id=cart.id)
    if line is None:
        raise error(OrderErrorCode.LINE_NOT_FOUND, "No such line in this cart.", field="lineId")
    if quantity == 0:
        await line.delete()
        await _touch(cart)
        return None
    variant = await _sellable(line.variant_id)
    if quantity > variant.stock:
        raise StockError(available=variant.stock)
    line.quantity = quantity
    await line.save(update_fields=["quantity"])
    await _touch(cart)
    return line


async def remove_line(*, cart: Cart, line_id: int) -> None:
    """Remove one line from the cart."""
    deleted = await CartLine.filter(id=line_id, cart_id=cart.id).delete()
    if not deleted:
        raise error(OrderErrorCode.LINE_NOT_FOUND, "No such line in this cart.", field="lineId")
    await _touch(cart)


async def merge_guest_cart(*, token: str, user_id: int) -> None:
    """On sign-in, fold a guest cart into the customer's cart; quantities add up, capped by stock.

    With no open cart of their own, the customer simply takes the guest cart over. Unknown,
    foreign or already merged tokens are ignored, so sign-in never fails because of a cart.
    """
    guest = await Cart.get_or_none(token=token, status=CartStatus.OPEN, user_id=None)
    if guest is None:
        return
    async with in_transaction():
        target = await open_cart_of(user_id)
        if target is None:
            await Cart.filter(id=guest.id, status=CartStatus.OPEN, user_id=None).update(
                user_id=user_id, updated_at=clock.now()
            )
            return
        claimed = await Cart.filter(id=guest.id, status=CartStatus.OPEN, user_id=None).update(
            status=CartStatus.MERGED, updated_at=clock.now()
        )
        if not claimed:
            return
        mine = {line.variant_id: line for line in await CartLine.filter(cart_id=target.id)}
        # One currency per cart: the customer's cart keeps its own when it has lines, and
        # guest lines in another currency stay behind in the merged guest cart.
        currency = target.currency if mine else guest.currency
        for line in await CartLine.filter(cart_id=guest.id).select_related("variant"):
            if line.variant.currency != currency:
                continue
            cap = min(MAX_LINE_QUANTITY, max(line.variant.stock, 0))
            have = mine.get(line.variant_id)
            if have is None:
                if min(line.quantity, cap) > 0:
                    await CartLine.create(
                        cart_id=target.id,
                        variant_id=line.variant_id,
                        quantity=min(line.quantity, cap),
                    )
                continue
            merged = max(have.quantity, min(have.quantity + line.quantity, cap))
            if merged != have.quantity:
                have.quantity = merged
                await have.save(update_fields=["quantity"])
        updates: dict[str, object] = {"updated_at": clock.now(), "currency": currency}
        if not target.coupon_codes and guest.coupon_codes:
            updates["coupon_codes"] = guest.coupon_codes
        for name in ("email", "shipping_address", "delivery_method", "payment_method"):
            if getattr(target, name) is None and getattr(guest, name) is not None:
                updates[name] = getattr(guest, name)
        if target.delivery_method is None and guest.delivery_method is not None:
            updates["delivery_date"] = guest.delivery_date
            updates["delivery_window"] = guest.delivery_window
        await Cart.filter(id=target.id).update(**updates)
