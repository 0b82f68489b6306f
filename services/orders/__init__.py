"""Orders domain: carts, pricing, coupons, checkout, payments, order lifecycle, reservations."""
