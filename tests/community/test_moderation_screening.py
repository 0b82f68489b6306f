"""Screening on submission: profanity masked or held (built-in and shop words), new members'
links and images, silences, duplicates, and neutrality (ratings and sentiment never hold)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.community.moderation import ContentStatus, HoldReason, MemberStanding
from services.community.errors import CommunityErrorCode
from services.community.moderation import words
from services.community.moderation.screening import Screening, screen
from services.errors import DomainError
from services.transactions import transaction
from tests.community._post_helpers import member, moderation_settings

pytestmark = pytest.mark.usefixtures("database")


async def _screen(user_id: int, text: str, *, images: int = 0, edit: bool = False) -> Screening:
    async with transaction():
        return await screen(author_id=user_id, kind="post", text=text, images=images, edit=edit)


async def test_profanity_is_masked_in_mask_mode_and_published() -> None:
    user = await member()
    with moderation_settings(profanity_mode="mask"):
        result = await _screen(user.id, "This toy is shit, my kid loves it")
    assert result.status == ContentStatus.PUBLISHED
    assert "shit" not in result.text and "****" in result.text
    assert result.clean("what the sh1t") == "what the ****"


async def test_profanity_is_held_unchanged_in_hold_mode() -> None:
    user = await member()
    with moderation_settings(profanity_mode="hold"):
        result = await _screen(user.id, "This toy is shit")
    assert result.status == ContentStatus.HELD
    assert result.reasons == [HoldReason.PROFANITY.value]
    assert result.text == "This toy is shit"


async def test_a_shop_extends_the_word_list_in_settings_and_at_run_time() -> None:
    user = await member()
    with moderation_settings(profanity_mode="hold", extra_words=("blorpington",)):
        from_settings = await _screen(user.id, "what a blorpington")
        assert (await _screen(user.id, "a zimzammer toy")).status == ContentStatus.PUBLISHED
        await words.add_word("Zimzammer")
        from_staff = await _screen(user.id, "another zimzammer toy, and z1mzammer")
        await words.remove_word("zimzammer")
        after_removal = await _screen(user.id, "a third zimzammer toy")
    assert from_settings.status == ContentStatus.HELD
    assert from_staff.status == ContentStatus.HELD
    assert after_removal.status == ContentStatus.PUBLISHED


async def test_a_one_star_sentiment_is_never_held_for_what_it_says_of_a_product() -> None:
    user = await member()
    with moderation_settings(profanity_mode="hold"):
        result = await _screen(
            user.id,
            "1/5 stars. Awful, the worst toy I ever bought, broke in an hour, do not buy, "
            "total waste of money, terrible quality, I hate it.",
        )
    assert result.status == ContentStatus.PUBLISHED
    assert result.reasons == []


async def test_new_members_links_and_images_are_held_established_members_are_not() -> None:
    new, established = await member(), await member(approved=5)
    with moderation_settings(new_member_max_links=0, new_member_max_images=1, trust_member=3):
        new_link = await _screen(new.id, "look at https://spam.example/cheap")
        new_images = await _screen(new.id, "photos of our play mat", images=2)
        new_plain = await _screen(new.id, "no links, one photo", images=1)
        old_link = await _screen(established.id, "see https://example.org/guide", images=3)
    assert new_link.reasons == [HoldReason.TOO_MANY_LINKS.value]
    assert new_images.reasons == [HoldReason.TOO_MANY_IMAGES.value]
    assert new_plain.status == ContentStatus.PUBLISHED
    assert old_link.status == ContentStatus.PUBLISHED


async def test_verified_purchases_count_towards_trust() -> None:
    buyer = await member(purchases=2)  # 2 x 2 points = 4 >= 3
    with moderation_settings(trust_member=3, trust_per_purchase=2):
        result = await _screen(buyer.id, "our review of https://example.org/blocks")
    assert result.status == ContentStatus.PUBLISHED


async def test_a_silenced_member_cannot_submit_until_the_silence_ends() -> None:
    user = await member()
    await MemberStanding.filter(user_id=user.id).update(
        silenced_until=datetime.now(UTC) + timedelta(hours=1)
    )
    with moderation_settings(), pytest.raises(DomainError) as refused:
        await _screen(user.id, "hello")
    assert refused.value.code == CommunityErrorCode.MEMBER_SILENCED
    await MemberStanding.filter(user_id=user.id).update(
        silenced_until=datetime.now(UTC) - timedelta(seconds=1)
    )
    with moderation_settings():
        assert (await _screen(user.id, "hello")).status == ContentStatus.PUBLISHED


async def test_the_same_text_twice_is_a_duplicate_however_it_is_cased_or_spaced() -> None:
    user, other = await member(), await member()
    with moderation_settings():
        await _screen(user.id, "Best wooden train set for toddlers!")
        with pytest.raises(DomainError) as refused:
            await _screen(user.id, "best   wooden train-set for toddlers")
        # Someone else may say the same, and the author may edit without changing the text.
        await _screen(other.id, "Best wooden train set for toddlers!")
        await _screen(user.id, "Best wooden train set for toddlers!", edit=True)
    assert refused.value.code == CommunityErrorCode.DUPLICATE_CONTENT


async def test_a_failed_submission_leaves_no_fingerprint() -> None:
    user = await member()
    with moderation_settings():
        with pytest.raises(RuntimeError):
            async with transaction():
                await screen(author_id=user.id, kind="post", text="rolled back text")
                raise RuntimeError("the submission failed after screening")
        result = await _screen(user.id, "rolled back text")
    assert result.status == ContentStatus.PUBLISHED


async def test_a_text_without_words_is_never_a_duplicate() -> None:
    user = await member()
    with moderation_settings():
        first = await _screen(user.id, "\n")
        second = await _screen(user.id, " \n ")
    assert first.status == second.status == ContentStatus.PUBLISHED
