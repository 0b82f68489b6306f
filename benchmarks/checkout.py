"""Checkout throughput: N guest checkouts placed concurrently on the configured database.

Prepares N guest carts (not timed), then completes them all with at most C in flight, either
through the GraphQL API in-process (`--via api`, the default) or the service layer
(`--via service`), and prints checkouts per second and latency. `--variants 1` makes every
checkout fight for one stock row (a hot product); more variants spread the load.

    DATABASE_URL=postgres://... python -m benchmarks.checkout --checkouts 500 --concurrency 20

It writes its own products, carts and orders (slugs and emails start with `bench-`).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from decimal import Decimal

import httpx

from api.app import create_app
from api.db import close_db, init_db
from api.settings import load_settings
from models.catalog import Product, ProductStatus, Variant
from models.orders import Cart, DeliveryMethod
from services.orders import cart as cart_service
from services.orders import checkout, details

COMPLETE = """mutation($k: String!, $p: String) { checkoutComplete(idempotencyKey: $k,
  paymentToken: $p) { order { status } errors { code } } }"""
ADDRESS = details.AddressSpec(
    full_name="Bench Mark", line1="Main Street 1", city="Berlin", postal_code="10115", country="DE"
)


async def _prepare(checkouts: int, variants: int) -> list[Cart]:
    run = uuid.uuid4().hex[:8]
    stock_each = checkouts // variants + 1
    rows = []
    for index in range(variants):
        product = await Product.create(
            slug=f"bench-{run}-{index}",
            name=f"Bench toy {run}-{index}",
            status=ProductStatus.ACTIVE,
            price_min=Decimal("19.99"),
            price_max=Decimal("19.99"),
        )
        rows.append(
            await Variant.create(
                product=product,
                sku=f"BENCH-{run}-{index}",
                name="Default",
                price=Decimal("19.99"),
                stock=stock_each,
            )
        )
    carts = []
    for index in range(checkouts):
        cart = await cart_service.create_cart(user_id=None)
        variant = rows[index % variants]
        await cart_service.add_line(cart=cart, variant_id=variant.id, quantity=1)
        await details.set_email(cart=cart, email=f"bench-{run}-{index}@example.com")
        await details.set_shipping_address(
            cart=cart, address=ADDRESS, address_id=None, user_id=None
        )
        await details.set_delivery(cart=cart, method=DeliveryMethod.STANDARD)
        await details.set_payment_method(cart=cart, method="test")
        carts.append(cart)
    return carts


async def run(checkouts: int, concurrency: int, variants: int, via: str) -> None:
    settings = load_settings()
    await init_db(settings)
    app = create_app(settings, manage_database=False)
    carts = await _prepare(checkouts, variants)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    failures: list[str] = []
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def one(cart: Cart) -> None:
            async with gate:
                start = time.perf_counter()
                if via == "api":
                    response = await client.post(
                        "/graphql",
                        json={
                            "query": COMPLETE,
                            "variables": {"k": uuid.uuid4().hex, "p": "tok_visa"},
                        },
                        headers={"X-Cart-Token": cart.token},
                    )
                    errors = response.json()["data"]["checkoutComplete"]["errors"]
                    failures.extend(error["code"] for error in errors)
                else:
                    await checkout.complete_checkout(
                        cart_token=cart.token,
                        user_id=None,
                        user_email=None,
                        idempotency_key=uuid.uuid4().hex,
                        payment_token="tok_visa",
                    )
                latencies.append((time.perf_counter() - start) * 1000)

        started = time.perf_counter()
        await asyncio.gather(*(one(cart) for cart in carts))
        elapsed = time.perf_counter() - started
    await close_db()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(
        f"database: {settings.database_url.split('://')[0]}, via: {via}, checkouts: {checkouts}, "
        f"concurrency: {concurrency}, variants: {variants}"
    )
    print(
        f"{checkouts / elapsed:.1f} checkouts/s, p50 {statistics.median(latencies):.1f} ms, "
        f"p99 {p99:.1f} ms, failures: {len(failures)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkouts", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--variants", type=int, default=1, help="1 = one hot stock row")
    parser.add_argument("--via", choices=["api", "service"], default="api")
    args = parser.parse_args()
    asyncio.run(run(args.checkouts, args.concurrency, args.variants, args.via))


if __name__ == "__main__":
    main()
