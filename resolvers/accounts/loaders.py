"""Per-request DataLoaders for accounts: users, addresses, child profiles and API keys."""

from __future__ import annotations

from models.accounts import Address, ApiKey, ChildProfile, User
from resolvers.loaders import ByForeignKeyLoader, ByIdLoader


class AccountLoaders:
    """The accounts loaders, created fresh for every request."""

    def __init__(self) -> None:
        self.user_by_id = ByIdLoader(User)
        self.address_by_id = ByIdLoader(Address)
        self.child_profile_by_id = ByIdLoader(ChildProfile)
        self.api_key_by_id = ByIdLoader(ApiKey)
        self.addresses_by_user_id = ByForeignKeyLoader(Address, "user_id")
        self.child_profiles_by_user_id = ByForeignKeyLoader(ChildProfile, "user_id")

    def prime_user(self, user: User) -> None:
        self.user_by_id.prime(user.id, user, force=True)

    def forget_writes(self) -> None:
        """After a write, later fields of the same operation must not see cached rows."""
        for loader in (
            self.address_by_id,
            self.child_profile_by_id,
            self.api_key_by_id,
            self.addresses_by_user_id,
            self.child_profiles_by_user_id,
        ):
            loader.clear_all()
