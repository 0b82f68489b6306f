"""Every event type the domains emit: its aggregate, what it means, and who may follow it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from models.accounts import ApiScope


class EventTypeName(StrEnum):
    ORDER_PLACED = "order.placed"
    ORDER_PAID = "order.paid"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_FULFILLED = "order.fulfilled"
    ORDER_SHIPPED = "order.shipped"
    ORDER_DELIVERED = "order.delivered"
    ORDER_COMPLETED = "order.completed"
    ORDER_REFUNDED = "order.refunded"
    ORDER_PAYMENT_FAILED = "order.payment_failed"
    ORDER_REFUND_FAILED = "order.refund_failed"
    PRODUCT_PUBLISHED = "product.published"
    PRODUCT_UPDATED = "product.updated"
    PRODUCT_UNPUBLISHED = "product.unpublished"
    VARIANT_STOCK_CHANGED = "variant.stock_changed"
    VARIANT_BACK_IN_STOCK = "variant.back_in_stock"
    CUSTOMER_REGISTERED = "customer.registered"
    SHOPPER_EVENTS_TRACKED = "shopper.events_tracked"
    WEBHOOK_ENDPOINT_DISABLED = "webhook.endpoint_disabled"
    SHIPMENT_CREATED = "shipment.created"
    SHIPMENT_UPDATED = "shipment.updated"
    SHIPMENT_DELIVERED = "shipment.delivered"
    SHIPMENT_EXCEPTION = "shipment.exception"
    SHIPMENT_LATE = "shipment.late"
    POINTS_EARNED = "points.earned"
    POINTS_SPENT = "points.spent"
    POINTS_REVERSED = "points.reversed"
    POINTS_EXPIRING = "points.expiring"
    POINTS_EXPIRED = "points.expired"
    TIER_CHANGED = "tier.changed"
    CASE_CREATED = "case.created"
    CASE_STATUS_CHANGED = "case.status_changed"
    CASE_MESSAGE_ADDED = "case.message_added"
    CASE_SLA_WARNING = "case.sla_warning"
    CASE_SLA_BREACHED = "case.sla_breached"
    CASE_SURVEY_OFFERED = "case.survey_offered"
    CASE_SATISFACTION_RATED = "case.satisfaction_rated"
    CASE_RESOLVED = "case.resolved"
    CASE_CLOSED = "case.closed"
    # Reviews and Q&A (community).
    REVIEW_CREATED = "review.created"
    REVIEW_UPDATED = "review.updated"
    REVIEW_REMOVED = "review.removed"
    REVIEW_PUBLISHED = "review.published"
    REVIEW_REQUESTED = "review.requested"
    QUESTION_CREATED = "question.created"
    QUESTION_ANSWER_REQUESTED = "question.answer_requested"
    ANSWER_CREATED = "answer.created"
    ANSWER_ACCEPTED = "answer.accepted"
    # Posts, comments and moderation (community).
    POST_CREATED = "post.created"
    COMMENT_CREATED = "comment.created"
    COMMENT_UPDATED = "comment.updated"
    CONTENT_REPORTED = "content.reported"
    CONTENT_MODERATED = "content.moderated"


@dataclass(frozen=True)
class EventSpec:
    """`scope` is what a partner's API key needs to follow the type (None: staff only);
    internal types never leave the process group (no partner stream, no webhook)."""

    aggregate: str
    description: str
    scope: ApiScope | None = None
    internal: bool = False


T = EventTypeName
ORDERS = ApiScope.READ_ORDERS
CATALOG = ApiScope.READ_CATALOG
SHIPMENTS = ApiScope.READ_SHIPMENTS
TICKETS = ApiScope.READ_TICKETS
COMMUNITY = ApiScope.READ_COMMUNITY

SPECS: dict[EventTypeName, EventSpec] = {
    T.ORDER_PLACED: EventSpec("order", "An order was placed at checkout (unpaid).", ORDERS),
    T.ORDER_PAID: EventSpec("order", "An order's payment was captured.", ORDERS),
    T.ORDER_CANCELLED: EventSpec("order", "An order was cancelled; its stock is back.", ORDERS),
    T.ORDER_FULFILLED: EventSpec("order", "An order is being picked and packed.", ORDERS),
    T.ORDER_SHIPPED: EventSpec("order", "An order left the warehouse.", ORDERS),
    T.ORDER_DELIVERED: EventSpec("order", "An order reached the customer.", ORDERS),
    T.ORDER_COMPLETED: EventSpec("order", "An order is complete.", ORDERS),
    T.ORDER_REFUNDED: EventSpec("order", "Money was refunded on an order.", ORDERS),
    T.ORDER_PAYMENT_FAILED: EventSpec("order", "A charge of an order was declined.", ORDERS),
    T.ORDER_REFUND_FAILED: EventSpec("order", "The provider refused a refund.", ORDERS),
    T.PRODUCT_PUBLISHED: EventSpec("product", "A product became visible in the shop.", CATALOG),
    T.PRODUCT_UPDATED: EventSpec("product", "A published product changed.", CATALOG),
    T.PRODUCT_UNPUBLISHED: EventSpec("product", "A product left the shop.", CATALOG),
    T.VARIANT_STOCK_CHANGED: EventSpec("variant", "A variant's stock changed.", CATALOG),
    T.VARIANT_BACK_IN_STOCK: EventSpec("variant", "A sold-out variant is back.", CATALOG),
    T.CUSTOMER_REGISTERED: EventSpec("customer", "A customer signed up."),
    T.SHOPPER_EVENTS_TRACKED: EventSpec(
        "shopper", "A shopper's behaviour events were recorded.", internal=True
    ),
    T.WEBHOOK_ENDPOINT_DISABLED: EventSpec(
        "webhook_endpoint", "A webhook endpoint was disabled after failing for too long."
    ),
    T.SHIPMENT_CREATED: EventSpec("shipment", "A shipment of an order was created.", SHIPMENTS),
    T.SHIPMENT_UPDATED: EventSpec(
        "shipment", "A shipment's status or tracking changed.", SHIPMENTS
    ),
    T.SHIPMENT_DELIVERED: EventSpec("shipment", "A shipment was delivered.", SHIPMENTS),
    T.SHIPMENT_EXCEPTION: EventSpec(
        "shipment", "A shipment hit a problem (exception, failed attempt, return).", SHIPMENTS
    ),
    T.SHIPMENT_LATE: EventSpec(
        "shipment", "A shipment will miss or missed its promise.", SHIPMENTS
    ),
    # A member's own data: staff only for partners (scope None); payloads in README "Membership".
    T.POINTS_EARNED: EventSpec("member", "A member earned points (or staff added some)."),
    T.POINTS_SPENT: EventSpec("member", "A member spent points (or staff took some)."),
    T.POINTS_REVERSED: EventSpec("member", "Earned points were taken back or spent ones returned."),
    T.POINTS_EXPIRING: EventSpec("member", "Some of a member's points expire soon."),
    T.POINTS_EXPIRED: EventSpec("member", "Some of a member's points expired."),
    T.TIER_CHANGED: EventSpec("member", "A member moved to another tier."),
    # After-sales cases; message events carry no text, so internal notes stay with staff.
    T.CASE_CREATED: EventSpec(
        "case", "A customer (or logistics) opened an after-sales case.", TICKETS
    ),
    T.CASE_STATUS_CHANGED: EventSpec("case", "A case moved in its workflow.", TICKETS),
    T.CASE_MESSAGE_ADDED: EventSpec("case", "A message or internal note was added.", TICKETS),
    T.CASE_SLA_WARNING: EventSpec(
        "case", "A case's reply or resolution target falls due soon.", TICKETS
    ),
    T.CASE_SLA_BREACHED: EventSpec(
        "case", "A case missed its reply or resolution target.", TICKETS
    ),
    T.CASE_SURVEY_OFFERED: EventSpec(
        "case", "A solved case's satisfaction survey opened (once per case).", TICKETS
    ),
    T.CASE_SATISFACTION_RATED: EventSpec(
        "case", "The customer rated a solved case (1-5).", TICKETS
    ),
    T.CASE_RESOLVED: EventSpec("case", "A case was solved or resolved.", TICKETS),
    T.CASE_CLOSED: EventSpec("case", "A case was closed.", TICKETS),
    # Reviews and Q&A: payloads carry global IDs, ratings and flags, never text or e-mail;
    # those naming members (review.published, review.requested, answer requests and
    # acceptances name the member) are staff-only for partners (scope None).
    T.REVIEW_CREATED: EventSpec("review", "A customer submitted a review (maybe held).", COMMUNITY),
    T.REVIEW_UPDATED: EventSpec(
        "review", "A review was edited, moderated or replied to.", COMMUNITY
    ),
    T.REVIEW_REMOVED: EventSpec(
        "review", "A review was deleted by its author or removed.", COMMUNITY
    ),
    T.REVIEW_PUBLISHED: EventSpec(
        "review", "A review became visible for the first time (membership awards points)."
    ),
    T.REVIEW_REQUESTED: EventSpec(
        "review", "Ask a customer to review a delivered product (once per order and product)."
    ),
    T.QUESTION_CREATED: EventSpec("question", "A question was asked on a product.", COMMUNITY),
    T.QUESTION_ANSWER_REQUESTED: EventSpec(
        "question", "Ask recent buyers of the product to answer a new question."
    ),
    T.ANSWER_CREATED: EventSpec("question", "An answer was posted to a question.", COMMUNITY),
    T.ANSWER_ACCEPTED: EventSpec("question", "The asker or staff accepted an answer."),
    # Posts and moderation: payloads carry global IDs, statuses and reason codes, never text
    # or e-mail (a moderation tool or a notifier reads the rest through the API).
    T.POST_CREATED: EventSpec("post", "A member wrote a post (published or held).", COMMUNITY),
    T.COMMENT_CREATED: EventSpec(
        "post", "A member commented on a post (published or held).", COMMUNITY
    ),
    T.COMMENT_UPDATED: EventSpec(
        "post", "A member edited their comment (published, or held again by screening).", COMMUNITY
    ),
    T.CONTENT_REPORTED: EventSpec(
        "content", "A member reported a review, answer, post...", COMMUNITY
    ),
    T.CONTENT_MODERATED: EventSpec(
        "content", "A moderator (or a trusted report) changed a contribution's status.", COMMUNITY
    ),
}


def spec(name: str) -> EventSpec:
    """The spec of event type `name`; KeyError for a type nobody declared."""
    return SPECS[EventTypeName(name)]
