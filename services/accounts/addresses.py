"""A user's address book: many addresses, exactly one of them the default."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from models.accounts import Address, User
from services.accounts.errors import AccountErrorCode as Code
from services.accounts.ownership import owned
from services.accounts.users import clean_phone
from services.errors import DomainError, DomainErrors

MAX_ADDRESSES = 20
_MISSING = "No such address in your address book."
REQUIRED = ("full_name", "line1", "city", "postal_code", "country")
_LIMITS = {
    "full_name": 200,
    "line1": 200,
    "line2": 200,
    "city": 120,
    "postal_code": 20,
    "region": 120,
}
_LABELS = {
    "full_name": "full name",
    "line1": "street address",
    "city": "city",
    "postal_code": "postal code",
    "country": "country",
}

# ISO 3166-1 alpha-2: every officially assigned code.
COUNTRIES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
    DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
    GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
    KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
    MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
    PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
    SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
    VN VU WF WS YE YT ZA ZM ZW
    """.split()
)


def clean_address(values: dict[str, str]) -> dict[str, str]:
    """Trimmed address fields; every problem at once as DomainErrors."""
    cleaned = {key: " ".join(value.split()) for key, value in values.items() if key != "phone"}
    problems: list[DomainError] = []
    for key in REQUIRED:
        if key in cleaned and not cleaned[key]:
            problems.append(
                DomainError(Code.ADDRESS_INCOMPLETE, f"Enter the {_LABELS[key]}.", field=key)
            )
    for key, limit in _LIMITS.items():
        if len(cleaned.get(key, "")) > limit:
            problems.append(
                DomainError(Code.INVALID_VALUE, f"Use at most {limit} characters.", field=key)
            )
    if cleaned.get("country"):
        cleaned["country"] = cleaned["country"].upper()
        if cleaned["country"] not in COUNTRIES:
            problems.append(
                DomainError(
                    Code.INVALID_COUNTRY,
                    "Use a two-letter ISO 3166-1 country code such as DE, FR or US.",
                    field="country",
                )
            )
    if "phone" in values:
        try:
            cleaned["phone"] = clean_phone(values["phone"])
        except DomainError as error:
            problems.append(error)
    if problems:
        raise DomainErrors(problems)
    return cleaned


async def _lock_owner(user_id: int) -> None:
    # Serialises address writes of one user, so "exactly one default" holds under concurrency.
    await User.filter(id=user_id).select_for_update().only("id").first()


async def create_address(
    *,
    user_id: int,
    full_name: str,
    line1: str,
    city: str,
    postal_code: str,
    country: str,
    line2: str = "",
    region: str = "",
    phone: str = "",
    is_default: bool = False,
) -> Address:
    """Add an address; the first one, or one asked to be, becomes the default."""
    values = clean_address(
        {
            "full_name": full_name,
            "line1": line1,
            "line2": line2,
            "city": city,
            "postal_code": postal_code,
            "region": region,
            "country": country,
            "phone": phone,
        }
    )
    async with in_transaction():
        await _lock_owner(user_id)
        count = await Address.filter(user_id=user_id).count()
        if count >= MAX_ADDRESSES:
            raise DomainError(
                Code.LIMIT_REACHED,
                f"An address book holds at most {MAX_ADDRESSES} addresses; delete one first.",
            )
        default = is_default or count == 0
        if default:
            await Address.filter(user_id=user_id, is_default=True).update(is_default=False)
        fields: dict[str, Any] = {**values, "user_id": user_id, "is_default": default}
        return await Address.create(**fields)


async def update_address(
    *,
    user_id: int,
    address_id: int,
    full_name: str | None = None,
    line1: str | None = None,
    line2: str | None = None,
    city: str | None = None,
    postal_code: str | None = None,
    region: str | None = None,
    country: str | None = None,
    phone: str | None = None,
) -> Address:
    """Change the given fields of one of the user's addresses (None leaves a field as is)."""
    given = {
        "full_name": full_name,
        "line1": line1,
        "line2": line2,
        "city": city,
        "postal_code": postal_code,
        "region": region,
        "country": country,
        "phone": phone,
    }
    changes = clean_address({key: value for key, value in given.items() if value is not None})
    address = await owned(Address, user_id=user_id, row_id=address_id, missing=_MISSING)
    if changes:
        address.update_from_dict(changes)
        await address.save(update_fields=list(changes))
    return address


async def delete_address(*, user_id: int, address_id: int) -> None:
    """Remove an address; when it was the default, the oldest remaining one takes over."""
    async with in_transaction():
        await _lock_owner(user_id)
        address = await owned(Address, user_id=user_id, row_id=address_id, missing=_MISSING)
        await address.delete()
        if address.is_default:
            successor = await Address.filter(user_id=user_id).order_by("id").first()
            if successor is not None:
                await Address.filter(id=successor.id).update(is_default=True)


async def set_default_address(*, user_id: int, address_id: int) -> Address:
    """Make one address the default and the previous default an ordinary one."""
    async with in_transaction():
        await _lock_owner(user_id)
        address = await owned(Address, user_id=user_id, row_id=address_id, missing=_MISSING)
        await (
            Address.filter(user_id=user_id, is_default=True)
            .exclude(id=address.id)
            .update(is_default=False)
        )
        if not address.is_default:
            await Address.filter(id=address.id).update(is_default=True)
            address.is_default = True
    return address


async def contact_points(*, user_id: int) -> tuple[str, list[tuple[str, str, str]]]:
    """The account's e-mail and its addresses as (line1, postal code, country): what tells
    two accounts apart as people (a referral check)."""
    user = await User.get_or_none(id=user_id).only("id", "email")
    rows = await Address.filter(user_id=user_id).values_list("line1", "postal_code", "country")
    return (user.email if user else ""), [(str(a), str(b), str(c)) for a, b, c in rows]
