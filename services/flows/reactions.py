"""Which flow reacts to which event: every cross-domain reaction is registered here.

Imported by the server (api/app.py) and the worker before the event runtime starts, so
their consumers exist when it does. Durable consumers run in one process at a time and
must be idempotent; broadcast consumers run in every process (caches of that process).
"""

from __future__ import annotations

from services.aftersales import closing as aftersales_closing
from services.community.reviews import requests as review_requests
from services.events.consumers import broadcast, durable
from services.events.runtime import WORKER_JOBS
from services.events.types import EventTypeName
from services.feed import impressions as feed_impressions
from services.flows import (
    birthdays,
    case_exchange,
    case_parcels,
    case_priority,
    community_points,
    community_trust,
    feed_invalidation,
    late_shipment_case,
    membership_points,
    purchase_recording,
    referral_rewards,
    shipment_progress,
)
from services.logistics import demo as demo_carrier
from services.logistics import lateness
from services.membership import expiry as membership_expiry

T = EventTypeName

durable("purchase_recording", [T.ORDER_PAID])(purchase_recording.after_order_paid)
durable("shipment_progress", [T.SHIPMENT_CREATED, T.SHIPMENT_UPDATED, T.SHIPMENT_DELIVERED])(
    shipment_progress.after_shipment_event
)
broadcast("feed_invalidation", [T.SHOPPER_EVENTS_TRACKED])(feed_invalidation.after_events_tracked)
broadcast("feed_purchases", [T.ORDER_PAID])(feed_invalidation.after_order_paid)
broadcast("feed_stock", [T.VARIANT_STOCK_CHANGED])(feed_invalidation.after_stock_changed)
broadcast("feed_listing", [T.PRODUCT_UNPUBLISHED, T.PRODUCT_PUBLISHED])(
    feed_invalidation.after_product_listing_changed
)
durable("membership_paid", [T.ORDER_PAID])(membership_points.after_order_paid)
durable("membership_refunded", [T.ORDER_REFUNDED])(membership_points.after_order_refunded)
durable("membership_cancelled", [T.ORDER_CANCELLED])(membership_points.after_order_cancelled)
durable("membership_signup", [T.CUSTOMER_REGISTERED])(membership_points.after_customer_registered)
durable("membership_referrals", [T.ORDER_DELIVERED])(referral_rewards.after_order_delivered)
durable("membership_reviews", [T.REVIEW_PUBLISHED])(community_points.after_review_published)
durable("membership_answers", [T.ANSWER_ACCEPTED])(community_points.after_answer_accepted)
durable("community_trust", [T.ORDER_DELIVERED])(community_trust.after_order_delivered)
durable("aftersales_late_shipment", [T.SHIPMENT_LATE])(late_shipment_case.after_shipment_late)
durable("aftersales_lost_shipment", [T.SHIPMENT_EXCEPTION])(
    late_shipment_case.after_shipment_exception
)
durable("aftersales_return_parcel", [T.SHIPMENT_DELIVERED])(
    case_parcels.after_return_parcel_delivered
)
durable("aftersales_replacement_cancelled", [T.ORDER_CANCELLED])(
    case_exchange.after_order_cancelled
)
durable("aftersales_tier_priority", [T.TIER_CHANGED])(case_priority.after_tier_changed)
# SLA breaches and closing solved cases after N days.
WORKER_JOBS["aftersales-sweep"] = lambda runtime: aftersales_closing.run_forever()
# Feed impressions older than their retention (SHOPGRAPH_FEED_IMPRESSION_DAYS).
WORKER_JOBS["feed-impressions-prune"] = lambda runtime: feed_impressions.prune_forever()
# Expiry notices, expiry and the daily tier review, where the workers run.
WORKER_JOBS["membership-expiry"] = lambda runtime: membership_expiry.run_forever()
# Birthday points and coupons, once per person per year.
WORKER_JOBS["membership-birthdays"] = lambda runtime: birthdays.run_forever()
# review.requested some days after delivery, once per order and product.
WORKER_JOBS["community-review-requests"] = lambda runtime: review_requests.run_forever()
# Shipments past their promise become late; the demo carrier moves demo parcels when on.
WORKER_JOBS["logistics-lateness"] = lambda runtime: lateness.run_forever()
if demo_carrier.interval_from_environment() > 0:
    WORKER_JOBS["logistics-demo-carrier"] = lambda runtime: demo_carrier.run_forever(
        demo_carrier.interval_from_environment()
    )
