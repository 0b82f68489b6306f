"""Account types: users, addresses, child profiles, API keys and their enums."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, ClassVar, Self

import strawberry
from strawberry import relay

from models import accounts as m
from resolvers.accounts import access
from resolvers.accounts import queries as account_queries
from resolvers.context import Info
from schema.connections import CountedConnection
from schema.nodes import LoadedNode
from services.accounts import children as child_service
from services.accounts.errors import AccountErrorCode as AccountErrorCodeSpec

if TYPE_CHECKING:
    from schema.membership.types import Membership

Permission = strawberry.enum(
    m.Permission,
    name="Permission",
    description="What a staff member may do. MANAGE_ORDERS also lets staff read customers' "
    "phone numbers and addresses; MANAGE_STAFF grants permissions; MANAGE_API_KEYS manages "
    "partner keys.",
)
ApiScope = strawberry.enum(
    m.ApiScope,
    name="ApiScope",
    description="What a partner API key may read or write; a key without the scope an "
    "operation needs gets FORBIDDEN with `extensions.scope` naming it. READ_ORDERS: read "
    "every order (`orders`, `order`, `node`), with its lines, payments and events. "
    "WRITE_SHIPMENTS: the fulfilment steps `orderFulfill`, `orderMarkShipped` and "
    "`orderMarkDelivered` (recorded with actor `partner`). READ_CATALOG: read draft and "
    "archived products by ID or slug, as product staff do (published products need no key). "
    "READ_SHIPMENTS: read shipments and follow them. READ_TICKETS: a support desk reads "
    "after-sales cases (`node`, `cases`, `caseFigures`), their events by webhook and the "
    "`caseUpdates` / `caseQueueUpdates` subscriptions. WRITE_TICKETS: a support desk acts on "
    "cases (`caseStaffMessage` for replies and internal notes, `caseAssign`, `caseSetTags`, "
    "`caseSetPriority`, `caseApprove`, `caseDecline`, `caseResolve`, `caseClose`) and sees "
    "the cases it acts on; receiving goods, refunds, exchanges and parcels stay with staff. "
    "READ_COMMUNITY: the community's events (`post.*`, `comment.*`, `content.*` and the "
    "review and Q&A events without member names) in webhooks and event subscriptions. "
    "No scope grants customers' accounts or addresses.",
)
AccountErrorCode = strawberry.enum(
    AccountErrorCodeSpec,
    name="AccountErrorCode",
    description="Why an account operation failed. INVALID_CREDENTIALS never says whether the "
    "email or the password was wrong; INVALID_TOKEN means: sign in again; "
    "TOO_MANY_ATTEMPTS: sign-in is throttled, wait `retryAfter` seconds.",
)


@strawberry.type(description="A failed account operation: which input field and why.")
class AccountError:
    field: str | None = strawberry.field(
        description="The input field at fault (camelCase), or null when it is not one field."
    )
    message: str = strawberry.field(description="A sentence to show the user.")
    code: AccountErrorCode  # type: ignore[valid-type]


class AccountNode(LoadedNode):
    """A Node read through the request's account loaders, null for callers who may not see it."""

    loader_group: ClassVar[str] = "accounts"


@strawberry.type(
    name="Address",
    description="A postal address of a user's address book. Only its owner and staff with "
    "MANAGE_ORDERS can read it.",
)
class AddressType(AccountNode):
    loader: ClassVar[str] = "address_by_id"
    id: relay.NodeID[int]
    full_name: str = strawberry.field(description="Recipient's name.")
    line1: str = strawberry.field(description="Street and house number.")
    line2: str = strawberry.field(description="Flat, floor, c/o; may be empty.")
    city: str
    postal_code: str
    region: str = strawberry.field(description="State, province or county; may be empty.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")
    phone: str = strawberry.field(description="Phone for the courier; may be empty.")
    is_default: bool = strawberry.field(
        description="True for exactly one address of a non-empty address book."
    )
    created_at: datetime

    @classmethod
    def visible(cls, info: Info, row: m.Address) -> bool:
        return access.can_see_contact_data(info, row.user_id)

    @classmethod
    def from_model(cls, row: m.Address) -> Self:
        return cls(
            id=row.id,
            full_name=row.full_name,
            line1=row.line1,
            line2=row.line2,
            city=row.city,
            postal_code=row.postal_code,
            region=row.region,
            country=row.country,
            phone=row.phone,
            is_default=row.is_default,
            created_at=row.created_at,
        )


@strawberry.type(
    name="ChildProfile",
    description="A child the shopper buys for, used for age-appropriate suggestions. Only "
    "its owner can read it.",
)
class ChildProfileType(AccountNode):
    loader: ClassVar[str] = "child_profile_by_id"
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Name or nickname.")
    interests: list[str] = strawberry.field(description='Up to 10, e.g. ["dinosaurs", "trains"].')
    created_at: datetime
    birth: strawberry.Private[date]

    @strawberry.field(description='Birth month as "YYYY-MM".')
    def birth_month(self) -> str:
        return f"{self.birth.year:04d}-{self.birth.month:02d}"

    @strawberry.field(description="Age today in whole months (counted from the birth month).")
    def age_months(self) -> int:
        return child_service.age_months(self.birth)

    @classmethod
    def visible(cls, info: Info, row: m.ChildProfile) -> bool:
        return access.can_see_children(info, row.user_id)

    @classmethod
    def from_model(cls, row: m.ChildProfile) -> Self:
        return cls(
            id=row.id,
            name=row.name,
            interests=list(row.interests or []),
            created_at=row.created_at,
            birth=row.birth_month,
        )


@strawberry.type(
    name="User",
    description="A customer or staff account. Visible to its owner and to staff with "
    "MANAGE_ORDERS or MANAGE_STAFF; null for everyone else.",
)
class UserType(AccountNode):
    loader: ClassVar[str] = "user_by_id"
    id: relay.NodeID[int]
    email: str = strawberry.field(description="Sign-in email, lower-cased.")
    display_name: str = strawberry.field(description="How the shop greets the user.")
    marketing_consent: bool = strawberry.field(description="May we send marketing email?")
    personalization_consent: bool = strawberry.field(
        description="May we personalise recommendations from the user's behaviour?"
    )
    is_staff: bool
    permissions: list[Permission] = strawberry.field(  # type: ignore[valid-type]
        description="Staff permissions; empty for customers."
    )
    created_at: datetime
    phone_number: strawberry.Private[str | None]

    @strawberry.field(
        description="Phone number (personal data): for the owner and staff with "
        "MANAGE_ORDERS; null for others or when not given."
    )
    def phone(self, info: Info) -> str | None:
        return self.phone_number if access.can_see_contact_data(info, self.id) else None

    @strawberry.field(
        description="The address book, default first (owner and staff with MANAGE_ORDERS; "
        "null for others). At most 20 addresses."
    )
    async def addresses(self, info: Info) -> list[AddressType] | None:
        rows = await account_queries.addresses(info, user_id=self.id)
        return None if rows is None else [AddressType.from_model(row) for row in rows]

    @strawberry.field(
        description="The default address, e.g. to prefill checkout; null when there is none "
        "or it is not yours to see."
    )
    async def default_address(self, info: Info) -> AddressType | None:
        rows = await account_queries.addresses(info, user_id=self.id)
        found = next((row for row in rows or [] if row.is_default), None)
        return AddressType.from_model(found) if found is not None else None

    @strawberry.field(
        description="Child profiles, youngest last (owner only; null for everyone else, "
        "staff included)."
    )
    async def children(self, info: Info) -> list[ChildProfileType] | None:
        rows = await account_queries.child_profiles(info, user_id=self.id)
        return None if rows is None else [ChildProfileType.from_model(row) for row in rows]

    @strawberry.field(
        description="Tier, progress, points and ledger: for the user and staff with "
        "MANAGE_MEMBERSHIP; null for everyone else."
    )
    async def membership(
        self, info: Info
    ) -> Annotated[Membership, strawberry.lazy("schema.membership.types")] | None:
        from schema.membership.types import membership_of

        return membership_of(info, self.id)

    @classmethod
    def visible(cls, info: Info, row: m.User) -> bool:
        return access.can_see_user(info, row.id)

    @classmethod
    def from_model(cls, row: m.User) -> Self:
        return cls(
            id=row.id,
            email=row.email,
            display_name=row.display_name,
            marketing_consent=row.marketing_consent,
            personalization_consent=row.personalization_consent,
            is_staff=row.is_staff,
            permissions=[
                m.Permission(p) for p in row.permissions or [] if p in m.Permission.__members__
            ],
            created_at=row.created_at,
            phone_number=row.phone,
        )


@strawberry.type(
    name="ApiKey",
    description="A partner app's API key. The key itself is shown once, when it is created; "
    "afterwards only its prefix identifies it. Visible to staff with MANAGE_API_KEYS and, "
    "through `viewerApiKey`, to the partner holding it.",
)
class ApiKeyType(AccountNode):
    loader: ClassVar[str] = "api_key_by_id"
    id: relay.NodeID[int]
    name: str = strawberry.field(description="The partner or app it was issued to.")
    prefix: str = strawberry.field(
        description="The key's public part: a key reads `sgk_<prefix>_...`."
    )
    scopes: list[ApiScope]  # type: ignore[valid-type]
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(description="Last authenticated request.")
    revoked_at: datetime | None = strawberry.field(description="Set once revoked; null if live.")

    @strawberry.field(description="True until the key is revoked.")
    def active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def visible(cls, info: Info, row: m.ApiKey) -> bool:
        return access.can_see_api_keys(info)

    @classmethod
    def from_model(cls, row: m.ApiKey) -> Self:
        return cls(
            id=row.id,
            name=row.name,
            prefix=row.prefix,
            scopes=[m.ApiScope(s) for s in row.scopes or [] if s in m.ApiScope.__members__],
            created_at=row.created_at,
            last_used_at=row.last_used_at,
            revoked_at=row.revoked_at,
        )


@strawberry.type(description="A page of API keys, newest first.")
class ApiKeyConnection(CountedConnection[ApiKeyType]):
    pass
