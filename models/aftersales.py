"""After-sales models: a case (return, exchange, repair, complaint, inquiry) with its lines,
timeline, messages and line inspections.

The workflow that moves a case lives in services/aftersales/workflow.py; the models only
hold what happened.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from models.accounts import User
    from models.orders import Order, OrderLine


class CaseKind(StrEnum):
    RETURN = "return"
    EXCHANGE = "exchange"
    REPAIR = "repair"
    COMPLAINT = "complaint"
    INQUIRY = "inquiry"


class CaseStatus(StrEnum):
    # Returns, exchanges and repairs.
    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"
    AWAITING_ITEMS = "awaiting_items"
    RECEIVED = "received"
    REFUNDED = "refunded"
    EXCHANGED = "exchanged"
    REPAIRED = "repaired"
    RESOLVED = "resolved"
    # Complaints and inquiries.
    NEW = "new"
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    SOLVED = "solved"
    # Both.
    CLOSED = "closed"


class CaseReason(StrEnum):
    DEFECTIVE = "defective"
    DAMAGED_IN_TRANSIT = "damaged_in_transit"
    MISSING_PARTS = "missing_parts"
    NOT_AS_DESCRIBED = "not_as_described"
    WRONG_ITEM = "wrong_item"
    SIZE_OR_AGE = "size_or_age"
    UNWANTED = "unwanted"
    SAFETY_CONCERN = "safety_concern"
    LATE_DELIVERY = "late_delivery"
    OTHER = "other"


class CasePriority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class DeclineReason(StrEnum):
    OUTSIDE_RETURN_WINDOW = "outside_return_window"
    FINAL_SALE = "final_sale"
    OTHER = "other"


class InspectionResult(StrEnum):
    RESTOCK = "restock"
    DO_NOT_RESTOCK = "do_not_restock"
    MISSING = "missing"


class MessageAuthor(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    SYSTEM = "system"


class Case(Model):
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    kind = fields.CharEnumField(CaseKind, max_length=16)
    status = fields.CharEnumField(CaseStatus, max_length=24)
    customer: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="cases", on_delete=fields.CASCADE
    )
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "shopgraph.Order", related_name="cases", null=True, on_delete=fields.SET_NULL
    )
    # A case opened by logistics for a late parcel points at it (no FK: logistics owns it).
    shipment_id = fields.IntField(null=True)
    reason = fields.CharEnumField(CaseReason, max_length=24)
    reason_note = fields.CharField(max_length=500, default="")
    description = fields.TextField(default="")
    photo_urls: fields.Field[list[str]] = fields.JSONField(default=list)
    priority = fields.CharEnumField(CasePriority, max_length=8, default=CasePriority.NORMAL)
    assignee: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "shopgraph.User", related_name="assigned_cases", null=True, on_delete=fields.SET_NULL
    )
    tags: fields.Field[list[str]] = fields.JSONField(default=list)
    decline_reason = fields.CharEnumField(DeclineReason, max_length=24, null=True)
    decline_note = fields.CharField(max_length=500, default="")
    refund_amount = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    # Outcomes kept by other domains (no FK: logistics and orders own them).
    return_shipment_id = fields.IntField(null=True)
    outbound_shipment_id = fields.IntField(null=True)
    replacement_order_id = fields.IntField(null=True)
    # Replacement minus the returned units' value: >0 charged, <0 refunded.
    exchange_difference = fields.DecimalField(max_digits=12, decimal_places=2, null=True)
    # SLA clocks (services/aftersales/sla.py): targets are moved later by the time spent
    # waiting on the customer.
    first_response_due = fields.DatetimeField(null=True)
    resolution_due = fields.DatetimeField(null=True)
    first_responded_at = fields.DatetimeField(null=True)
    # Set when the customer writes after staff answered; cleared by staff's next reply.
    next_reply_due = fields.DatetimeField(null=True)
    waiting_since = fields.DatetimeField(null=True)
    # The earliest running target (null while paused or done): the staff queue's order.
    next_due_at = fields.DatetimeField(null=True)
    # Warnings and breaches already announced, e.g. "first_reply:warning" (once each).
    sla_alerts: fields.Field[list[str]] = fields.JSONField(default=list, db_default=[])
    # When the sweep must look at the case next (a warning or a breach falls due).
    next_alert_at = fields.DatetimeField(null=True)
    breached_at = fields.DatetimeField(null=True)
    solved_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    rating = fields.SmallIntField(null=True)
    rating_comment = fields.CharField(max_length=2000, default="")
    rated_at = fields.DatetimeField(null=True)
    # When case.survey_offered was emitted: once per case, even if it is solved again.
    survey_offered_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    customer_id: int
    order_id: int | None
    assignee_id: int | None
    lines: fields.ReverseRelation[CaseLine]
    timeline: fields.ReverseRelation[CaseTimelineEntry]
    messages: fields.ReverseRelation[CaseMessage]

    class Meta:
        table = "aftersales_case"
        indexes = [
            Index(fields=("customer_id", "created_at")),
            Index(fields=("status", "priority")),
            Index(fields=("order_id",)),
            Index(fields=("solved_at",)),
            Index(fields=("next_due_at", "id")),
            Index(fields=("next_alert_at",)),
            Index(fields=("created_at",)),
        ]


class CaseLine(Model):
    """An order line the case is about, with how many units."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "shopgraph.Case", related_name="lines", on_delete=fields.CASCADE
    )
    order_line: fields.ForeignKeyRelation[OrderLine] = fields.ForeignKeyField(
        "shopgraph.OrderLine", related_name="case_lines", on_delete=fields.CASCADE
    )
    quantity = fields.IntField()
    # Set by inspection; the refund and restock follow it.
    inspection = fields.CharEnumField(InspectionResult, max_length=16, null=True)
    inspection_note = fields.CharField(max_length=500, default="")
    inspected_at = fields.DatetimeField(null=True)
    restocked = fields.BooleanField(default=False)

    case_id: int
    order_line_id: int

    class Meta:
        table = "aftersales_case_line"
        unique_together = (("case", "order_line"),)
        ordering = ["id"]


class CaseTimelineEntry(Model):
    """One change of a case: status moves, assignment, tags, priority, inspections."""

    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "shopgraph.Case", related_name="timeline", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=40)
    from_status = fields.CharField(max_length=24, null=True)
    to_status = fields.CharField(max_length=24, null=True)
    actor = fields.CharField(max_length=60, default="system")
    data: fields.Field[dict[str, object]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField()

    case_id: int

    class Meta:
        table = "aftersales_case_timeline"
        ordering = ["created_at", "id"]
        indexes = [Index(fields=("case_id", "created_at"))]


class CaseMessage(Model):
    id = fields.IntField(primary_key=True)
    case: fields.ForeignKeyRelation[Case] = fields.ForeignKeyField(
        "shopgraph.Case", related_name="messages", on_delete=fields.CASCADE
    )
    author = fields.CharEnumField(MessageAuthor, max_length=10)
    author_user_id = fields.IntField(null=True)
    body = fields.TextField()
    attachment_urls: fields.Field[list[str]] = fields.JSONField(default=list)
    # Internal notes are for staff only; customers never see them.
    internal = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()

    case_id: int

    class Meta:
        table = "aftersales_case_message"
        ordering = ["created_at", "id"]
        indexes = [Index(fields=("case_id", "created_at"))]
