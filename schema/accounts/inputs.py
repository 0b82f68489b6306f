"""Account mutation inputs."""

from __future__ import annotations

import strawberry

from schema.accounts.types import ApiScope

CART_TOKEN = (
    "A guest cart's token (as sent in `X-Cart-Token`, which is used when this is omitted): "
    "its lines move into the user's cart."
)


@strawberry.input(description="Sign up with an email and a password.")
class RegisterInput:
    email: str = strawberry.field(description="Stored trimmed and lower-cased.")
    password: str = strawberry.field(
        description="At least 10 characters, not a common password, not the email name."
    )
    display_name: str = ""
    marketing_consent: bool = strawberry.field(
        default=False, description="May we send marketing email? Off unless ticked."
    )
    personalization_consent: bool = strawberry.field(
        default=True, description="May we personalise recommendations?"
    )
    cart_token: str | None = strawberry.field(default=None, description=CART_TOKEN)


@strawberry.input(description="Sign in.")
class LoginInput:
    email: str = strawberry.field(description="Case does not matter.")
    password: str
    cart_token: str | None = strawberry.field(default=None, description=CART_TOKEN)


@strawberry.input(description="Profile changes; omitted (null) fields stay as they are.")
class UpdateProfileInput:
    display_name: str | None = None
    phone: str | None = strawberry.field(default=None, description='"" removes the number.')
    marketing_consent: bool | None = None
    personalization_consent: bool | None = None


@strawberry.input(description="A new address. Blank required fields fail with ADDRESS_INCOMPLETE.")
class AddressInput:
    full_name: str
    line1: str
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE or FR.")
    line2: str = ""
    region: str = ""
    phone: str = ""
    is_default: bool = strawberry.field(
        default=False,
        description="Make it the default. The first address always becomes the default.",
    )

    def values(self) -> dict[str, str]:
        return {
            "full_name": self.full_name,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "postal_code": self.postal_code,
            "region": self.region,
            "country": self.country,
            "phone": self.phone,
        }


@strawberry.input(description="Address changes; omitted (null) fields stay as they are.")
class AddressUpdateInput:
    full_name: str | None = None
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None
    phone: str | None = None

    def values(self) -> dict[str, str]:
        given = {
            "full_name": self.full_name,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "postal_code": self.postal_code,
            "region": self.region,
            "country": self.country,
            "phone": self.phone,
        }
        return {key: value for key, value in given.items() if value is not None}


BIRTH_MONTH = (
    'Birth month as "YYYY-MM" (a full date "YYYY-MM-DD" is accepted and stored as its month); '
    "not in the future, at most 18 years ago."
)


@strawberry.input(description="A child profile.")
class ChildProfileInput:
    name: str = strawberry.field(description="Name or nickname, up to 80 characters.")
    birth_month: str = strawberry.field(description=BIRTH_MONTH)
    interests: list[str] = strawberry.field(
        default_factory=list, description="Up to 10 short interests, e.g. dinosaurs."
    )


@strawberry.input(description="Child profile changes; omitted (null) fields stay as they are.")
class ChildProfileUpdateInput:
    name: str | None = None
    birth_month: str | None = strawberry.field(default=None, description=BIRTH_MONTH)
    interests: list[str] | None = strawberry.field(
        default=None, description="Replaces the whole list."
    )


@strawberry.input(description="A new partner API key.")
class ApiKeyCreateInput:
    name: str = strawberry.field(description="The partner or app it is for.")
    scopes: list[ApiScope] = strawberry.field(  # type: ignore[valid-type]
        description="What the key may do; at least one."
    )
