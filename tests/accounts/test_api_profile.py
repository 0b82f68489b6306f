"""updateProfile, changePassword, the address book and child profiles over HTTP."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from strawberry.relay import to_base64

from models.accounts import Address, RefreshToken
from services.accounts.children import age_months
from tests.factories import (
    DEFAULT_PASSWORD,
    auth_headers,
    create_address,
    create_child_profile,
    create_user,
)

ERRORS = "errors { field code message }"
UPDATE_PROFILE = f"""
mutation Update($input: UpdateProfileInput!) {{
  updateProfile(input: $input) {{
    user {{ displayName phone marketingConsent personalizationConsent }} {ERRORS}
  }}
}}
"""
CHANGE_PASSWORD = f"""
mutation Change($current: String!, $new: String!) {{
  changePassword(currentPassword: $current, newPassword: $new) {{
    accessToken refreshToken {ERRORS}
  }}
}}
"""
LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(input: {email: $email, password: $password}) { accessToken errors { code } }
}
"""
REFRESH = "mutation R($t: String!) { refreshToken(refreshToken: $t) { errors { code } } }"
BOOK = "user { addresses { id line1 isDefault } defaultAddress { line1 } }"
ADDRESS_CREATE = f"""
mutation Create($input: AddressInput!) {{
  addressCreate(input: $input) {{ address {{ id line1 country isDefault }} {BOOK} {ERRORS} }}
}}
"""
ADDRESS_UPDATE = f"""
mutation Update($id: ID!, $input: AddressUpdateInput!) {{
  addressUpdate(id: $id, input: $input) {{ address {{ line1 city country }} {ERRORS} }}
}}
"""
ADDRESS_SET_DEFAULT = f"""
mutation SetDefault($id: ID!) {{
  addressSetDefault(id: $id) {{ address {{ isDefault }} {BOOK} {ERRORS} }}
}}
"""
ADDRESS_DELETE = f"""
mutation Delete($id: ID!) {{ addressDelete(id: $id) {{ deletedId {BOOK} {ERRORS} }} }}
"""
CHILD_CREATE = f"""
mutation Create($input: ChildProfileInput!) {{
  childProfileCreate(input: $input) {{
    childProfile {{ id name birthMonth ageMonths interests }} {ERRORS}
  }}
}}
"""
CHILD_UPDATE = f"""
mutation Update($id: ID!, $input: ChildProfileUpdateInput!) {{
  childProfileUpdate(id: $id, input: $input) {{ childProfile {{ name interests }} {ERRORS} }}
}}
"""
ME_BOOK = "query { me { addresses { line1 } children { name } } }"
ADDRESS = {
    "fullName": "Sam Example",
    "line1": "Hauptstrasse 1",
    "city": "Hamburg",
    "postalCode": "20095",
    "country": "de",
}

pytestmark = pytest.mark.usefixtures("app")


async def test_update_profile_changes_only_what_is_given(gql: Any) -> None:
    user = await create_user()
    headers = auth_headers(user)

    first = await gql(
        UPDATE_PROFILE,
        {"input": {"displayName": "  Robin  ", "phone": "+44 20 7946 0958"}},
        **headers,
    )
    second = await gql(UPDATE_PROFILE, {"input": {"marketingConsent": True}}, **headers)

    assert first["data"]["updateProfile"]["user"]["displayName"] == "Robin"
    assert second["data"]["updateProfile"] == {
        "user": {
            "displayName": "Robin",
            "phone": "+44 20 7946 0958",
            "marketingConsent": True,
            "personalizationConsent": True,
        },
        "errors": [],
    }


async def test_update_profile_rejects_a_bad_phone_and_needs_a_user(gql: Any) -> None:
    user = await create_user()

    bad = await gql(UPDATE_PROFILE, {"input": {"phone": "call me"}}, **auth_headers(user))
    guest = await gql(UPDATE_PROFILE, {"input": {"phone": "+1 555 0100"}})

    assert bad["data"]["updateProfile"]["errors"][0]["field"] == "phone"
    assert bad["data"]["updateProfile"]["errors"][0]["code"] == "INVALID_VALUE"
    assert guest["data"] is None
    assert guest["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_change_password_ends_every_session(gql: Any) -> None:
    user = await create_user()
    old = (await gql(LOGIN, {"email": user.email, "password": DEFAULT_PASSWORD}))["data"]
    assert old["login"]["errors"] == []
    old_refresh = await RefreshToken.filter(user_id=user.id).count()
    assert old_refresh == 1

    wrong = await gql(
        CHANGE_PASSWORD, {"current": "nope-nope-nope", "new": "new-secret-42"}, **auth_headers(user)
    )
    weak = await gql(
        CHANGE_PASSWORD, {"current": DEFAULT_PASSWORD, "new": "short"}, **auth_headers(user)
    )
    done = await gql(
        CHANGE_PASSWORD,
        {"current": DEFAULT_PASSWORD, "new": "a-much-newer-secret-42"},
        **auth_headers(user),
    )

    assert [(e["field"], e["code"]) for e in wrong["data"]["changePassword"]["errors"]] == [
        ("currentPassword", "INVALID_CREDENTIALS")
    ]
    assert [(e["field"], e["code"]) for e in weak["data"]["changePassword"]["errors"]] == [
        ("newPassword", "WEAK_PASSWORD")
    ]
    assert done["data"]["changePassword"]["errors"] == []
    assert done["data"]["changePassword"]["refreshToken"]
    # Only the fresh session survives.
    assert await RefreshToken.filter(user_id=user.id, revoked_at__isnull=True).count() == 1
    old_password = await gql(LOGIN, {"email": user.email, "password": DEFAULT_PASSWORD})
    new_password = await gql(LOGIN, {"email": user.email, "password": "a-much-newer-secret-42"})
    assert old_password["data"]["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    assert new_password["data"]["login"]["errors"] == []


async def test_address_book_keeps_exactly_one_default(gql: Any) -> None:
    user = await create_user()
    headers = auth_headers(user)

    first = (await gql(ADDRESS_CREATE, {"input": ADDRESS}, **headers))["data"]["addressCreate"]
    second = (await gql(ADDRESS_CREATE, {"input": {**ADDRESS, "line1": "Second 2"}}, **headers))[
        "data"
    ]["addressCreate"]

    assert first["errors"] == [] and first["address"]["isDefault"] is True
    assert first["address"]["country"] == "DE"
    assert second["address"]["isDefault"] is False
    assert second["user"]["defaultAddress"] == {"line1": "Hauptstrasse 1"}

    switched = (await gql(ADDRESS_SET_DEFAULT, {"id": second["address"]["id"]}, **headers))["data"][
        "addressSetDefault"
    ]
    assert switched["address"] == {"isDefault": True}
    assert [(a["line1"], a["isDefault"]) for a in switched["user"]["addresses"]] == [
        ("Second 2", True),
        ("Hauptstrasse 1", False),
    ]

    deleted = (await gql(ADDRESS_DELETE, {"id": second["address"]["id"]}, **headers))["data"][
        "addressDelete"
    ]
    assert deleted["deletedId"] == second["address"]["id"]
    assert deleted["user"]["addresses"] == [
        {"id": first["address"]["id"], "line1": "Hauptstrasse 1", "isDefault": True}
    ]
    assert await Address.filter(user_id=user.id, is_default=True).count() == 1


async def test_creating_a_default_address_unsets_the_old_one(gql: Any) -> None:
    user = await create_user()
    await create_address(user, line1="Old default")

    result = await gql(
        ADDRESS_CREATE, {"input": {**ADDRESS, "isDefault": True}}, **auth_headers(user)
    )

    book = result["data"]["addressCreate"]["user"]["addresses"]
    assert [(a["line1"], a["isDefault"]) for a in book] == [
        ("Hauptstrasse 1", True),
        ("Old default", False),
    ]


async def test_address_validation_reports_every_field(gql: Any) -> None:
    user = await create_user()
    incomplete = {**ADDRESS, "fullName": " ", "postalCode": "", "country": "XX"}

    result = await gql(ADDRESS_CREATE, {"input": incomplete}, **auth_headers(user))

    errors = result["data"]["addressCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("fullName", "ADDRESS_INCOMPLETE"),
        ("postalCode", "ADDRESS_INCOMPLETE"),
        ("country", "INVALID_COUNTRY"),
    ]
    assert result["data"]["addressCreate"]["address"] is None
    assert not await Address.filter(user_id=user.id).exists()


async def test_address_update_validates_and_changes_given_fields(gql: Any) -> None:
    user = await create_user()
    address = await create_address(user)
    gid = to_base64("Address", address.id)

    bad = await gql(ADDRESS_UPDATE, {"id": gid, "input": {"city": ""}}, **auth_headers(user))
    good = await gql(
        ADDRESS_UPDATE,
        {"id": gid, "input": {"city": "Paris", "country": "fr"}},
        **auth_headers(user),
    )

    assert bad["data"]["addressUpdate"]["errors"][0]["code"] == "ADDRESS_INCOMPLETE"
    assert good["data"]["addressUpdate"] == {
        "address": {"line1": "Main Street 1", "city": "Paris", "country": "FR"},
        "errors": [],
    }


async def test_child_profile_lifecycle(gql: Any) -> None:
    user = await create_user()
    headers = auth_headers(user)

    created = await gql(
        CHILD_CREATE,
        {
            "input": {
                "name": "Leo",
                "birthMonth": "2022-03-17",
                "interests": [" dinosaurs ", "Trains", "trains", ""],
            }
        },
        **headers,
    )
    child = created["data"]["childProfileCreate"]["childProfile"]
    assert child["birthMonth"] == "2022-03"
    assert child["ageMonths"] == age_months(date(2022, 3, 1))
    assert child["interests"] == ["dinosaurs", "Trains"]

    updated = await gql(
        CHILD_UPDATE, {"id": child["id"], "input": {"interests": ["lego"]}}, **headers
    )
    assert updated["data"]["childProfileUpdate"] == {
        "childProfile": {"name": "Leo", "interests": ["lego"]},
        "errors": [],
    }


@pytest.mark.parametrize(
    ("child", "field", "code"),
    [
        ({"name": "", "birthMonth": "2022-01"}, "name", "REQUIRED"),
        ({"name": "Kai", "birthMonth": "March 2022"}, "birthMonth", "INVALID_BIRTH_MONTH"),
        ({"name": "Kai", "birthMonth": "2022-13"}, "birthMonth", "INVALID_BIRTH_MONTH"),
        ({"name": "Kai", "birthMonth": "2999-01"}, "birthMonth", "INVALID_BIRTH_MONTH"),
        ({"name": "Kai", "birthMonth": "1990-01"}, "birthMonth", "INVALID_BIRTH_MONTH"),
        (
            {"name": "Kai", "birthMonth": "2022-01", "interests": [f"i{n}" for n in range(11)]},
            "interests",
            "INVALID_VALUE",
        ),
        (
            {"name": "Kai", "birthMonth": "2022-01", "interests": ["x" * 41]},
            "interests",
            "INVALID_VALUE",
        ),
    ],
)
async def test_child_profile_validation(
    gql: Any, child: dict[str, Any], field: str, code: str
) -> None:
    user = await create_user()

    result = await gql(CHILD_CREATE, {"input": child}, **auth_headers(user))

    payload = result["data"]["childProfileCreate"]
    assert payload["childProfile"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]


async def test_me_book_costs_the_same_for_one_or_many_addresses(
    gql: Any, count_queries: Any
) -> None:
    small, large = await create_user(), await create_user()
    await create_address(small)
    await create_child_profile(small)
    for n in range(8):
        await create_address(large, line1=f"Street {n}")
        await create_child_profile(large, name=f"Kid {n}")

    async def cost(user: Any) -> tuple[int, Any]:
        with count_queries() as counter:
            body = await gql(ME_BOOK, **auth_headers(user))
        assert "errors" not in body, body
        return len(counter.statements), body["data"]["me"]

    small_cost, small_me = await cost(small)
    large_cost, large_me = await cost(large)

    assert len(small_me["addresses"]) == 1 and len(large_me["addresses"]) == 8
    assert len(large_me["children"]) == 8
    assert small_cost == large_cost, f"1 address: {small_cost} queries, 8: {large_cost}"
    # the viewer (authentication), their addresses, their children
    assert large_cost <= 3, large_cost
