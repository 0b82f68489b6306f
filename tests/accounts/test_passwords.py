"""argon2 runs on a bounded pool of worker threads, never on the event loop's thread."""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest

from services.accounts import passwords
from tests.factories import DEFAULT_PASSWORD, create_user

LOGIN = """
mutation Login($input: LoginInput!) { login(input: $input) { accessToken errors { code } } }
"""

pytestmark = pytest.mark.usefixtures("app")


async def test_hashing_and_verifying_run_off_the_loop_thread(
    gql: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[tuple[str, int]] = []
    real_hash, real_verify = passwords.hash_password, passwords.verify_password

    def hash_password(password: str) -> str:
        threads.append(("hash", threading.get_ident()))
        return real_hash(password)

    def verify_password(password_hash: str | None, password: str) -> bool:
        threads.append(("verify", threading.get_ident()))
        return real_verify(password_hash, password)

    user = await create_user()  # the factory hashes directly, outside the app
    monkeypatch.setattr(passwords, "hash_password", hash_password)
    monkeypatch.setattr(passwords, "verify_password", verify_password)
    loop_thread = threading.get_ident()

    body = await gql(LOGIN, {"input": {"email": user.email, "password": DEFAULT_PASSWORD}})
    await passwords.hash_password_async("another-long-password-1")

    assert body["data"]["login"]["accessToken"]
    assert {kind for kind, _ in threads} == {"hash", "verify"}
    assert loop_thread not in {ident for _, ident in threads}


def test_the_pool_is_sized_to_the_cores() -> None:
    assert passwords._pool._max_workers == (os.cpu_count() or 1)
