"""Staff writes on membership (MANAGE_MEMBERSHIP), each with a reason in the audit log."""

from __future__ import annotations

import logging
import uuid

from models.accounts import Permission
from models.membership import EarningRule, Tier
from resolvers.auth import require_permission
from resolvers.context import Info
from services.events import actors
from services.membership import admin, rules, tiers

audit = logging.getLogger("shopgraph.membership.audit")


async def adjust(
    info: Info, *, user_id: int, points: int, reason: str, idempotency_key: str | None
) -> int:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    with actors.acting_as(actors.staff(staff.id)):
        return await admin.adjust(
            user_id=user_id,
            points=points,
            reason=reason,
            key=f"{staff.id}:{idempotency_key or uuid.uuid4().hex}",
        )


async def create_rule(info: Info, spec: rules.RuleSpec, *, reason: str) -> EarningRule:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    rule = await rules.create_rule(spec)
    audit.info("staff %s created earning rule %s: %s", staff.id, rule.id, reason)
    return rule


async def end_rule(info: Info, *, rule_id: int, reason: str) -> EarningRule:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    rule = await rules.end_rule(rule_id=rule_id)
    audit.info("staff %s ended earning rule %s: %s", staff.id, rule.id, reason)
    return rule


async def save_tier(info: Info, spec: tiers.TierSpec, *, reason: str) -> Tier:
    staff = require_permission(info, Permission.MANAGE_MEMBERSHIP)
    tier = await tiers.save_tier(spec)
    audit.info("staff %s saved tier %s: %s", staff.id, tier.code, reason)
    return tier
