"""Product Q&A as a service: questions, answers by buyers and staff, acceptance, votes, and
the events that ask recent buyers and tell who was accepted."""

from __future__ import annotations

import pytest

from models.community.moderation import ContentStatus
from models.community.questions import Question
from models.events import DomainEvent
from services.community import questions
from services.community.questions import reads
from services.errors import DomainError
from tests.community import _review_helpers as h
from tests.factories import create_user

pytestmark = pytest.mark.usefixtures("database")


async def _events(type: str, question_id: int) -> list[DomainEvent]:
    return await DomainEvent.filter(type=type, aggregate_id=str(question_id)).order_by("id")


async def test_a_question_asks_recent_buyers_but_not_the_asker() -> None:
    # Given a product two members bought (one of them asks) and one member who did not
    product = await h.product()
    buyer, asker, stranger = await create_user(), await create_user(), await create_user()
    await h.bought(buyer, product, paid_days_ago=10)
    await h.bought(asker, product, paid_days_ago=5)
    await create_user()

    question = await questions.ask_question(
        author_id=asker.id, product_id=product.id, body="Does it float in the bath?"
    )

    assert question.status == ContentStatus.PUBLISHED
    assert len(await _events("question.created", question.id)) == 1
    (requested,) = await _events("question.answer_requested", question.id)
    assert requested.payload["user_ids"] == [buyer.id]
    assert stranger.id not in requested.payload["user_ids"]


async def test_answers_by_buyers_and_staff_are_marked_and_counted() -> None:
    product = await h.product()
    asker, buyer, other, staff = [await create_user() for _ in range(4)]
    order, line = await h.bought(buyer, product)
    await h.shipped(order, line)
    question = await questions.ask_question(
        author_id=asker.id, product_id=product.id, body="Is the paint safe for toddlers?"
    )

    by_buyer = await questions.answer_question(
        author_id=buyer.id, question_id=question.id, body="Yes, we had no issue."
    )
    by_other = await questions.answer_question(
        author_id=other.id, question_id=question.id, body="I think so."
    )
    by_staff = await questions.answer_question(
        author_id=staff.id, question_id=question.id, body="EN71-3 certified.", by_staff=True
    )

    assert (by_buyer.verified_buyer, by_other.verified_buyer) == (True, False)
    assert by_staff.by_staff is True
    assert (await Question.get(id=question.id)).answer_count == 3
    assert len(await _events("answer.created", question.id)) == 3


async def test_the_asker_or_staff_accepts_an_answer() -> None:
    product = await h.product()
    asker, helper, stranger = await create_user(), await create_user(), await create_user()
    question = await questions.ask_question(
        author_id=asker.id, product_id=product.id, body="How long are the rails?"
    )
    answer = await questions.answer_question(
        author_id=helper.id, question_id=question.id, body="About 2 metres in total."
    )

    with pytest.raises(DomainError) as failure:
        await questions.accept_answer(actor_id=stranger.id, answer_id=answer.id)
    assert failure.value.code == "NOT_AUTHOR"
    accepted = await questions.accept_answer(actor_id=asker.id, answer_id=answer.id)

    assert accepted.accepted_answer_id == answer.id
    (event,) = await _events("answer.accepted", question.id)
    assert event.payload == {
        "answer_id": answer.id,
        "question_id": question.id,
        "product_id": product.id,
        "user_id": helper.id,
    }
    # accepting it again changes nothing and emits nothing
    await questions.accept_answer(actor_id=stranger.id, answer_id=answer.id, staff=True)
    assert len(await _events("answer.accepted", question.id)) == 1


async def test_answer_votes_are_one_per_member_and_order_the_answers() -> None:
    product = await h.product()
    asker, first, second = await create_user(), await create_user(), await create_user()
    voters = [await create_user() for _ in range(3)]
    question = await questions.ask_question(
        author_id=asker.id, product_id=product.id, body="Batteries included?"
    )
    early = await questions.answer_question(
        author_id=first.id, question_id=question.id, body="No, buy AAs."
    )
    late = await questions.answer_question(
        author_id=second.id, question_id=question.id, body="Not in mine."
    )
    for voter in voters:
        await questions.vote_answer(user_id=voter.id, answer_id=late.id, helpful=True)
    await questions.vote_answer(user_id=voters[0].id, answer_id=late.id, helpful=True)
    with pytest.raises(DomainError):
        await questions.vote_answer(user_id=second.id, answer_id=late.id, helpful=True)

    ((page, more),) = await reads.answer_pages(
        [reads.ListKey(parent_id=question.id, offset=0, limit=10, viewer_id=None)]
    )
    assert [a.id for a in page] == [late.id, early.id]
    assert page[0].helpful_count == 3 and more is False


async def test_held_answers_are_seen_only_by_their_author() -> None:
    product = await h.product()
    asker, linker = await create_user(), await create_user()
    question = await questions.ask_question(
        author_id=asker.id, product_id=product.id, body="Where to buy spare parts?"
    )
    held = await questions.answer_question(
        author_id=linker.id, question_id=question.id, body="Here: https://spam.example/parts"
    )
    assert held.status == ContentStatus.HELD

    for viewer, expected in ((None, []), (asker.id, []), (linker.id, [held.id])):
        ((page, _),) = await reads.answer_pages(
            [reads.ListKey(parent_id=question.id, offset=0, limit=10, viewer_id=viewer)]
        )
        assert [a.id for a in page] == expected
    assert (await Question.get(id=question.id)).answer_count == 0


async def test_authors_edit_their_own_questions_and_answers() -> None:
    product = await h.product()
    asker, helper = await create_user(), await create_user()
    question = await questions.ask_question(
        author_id=asker.id, product_id=product.id, body="Is it big?"
    )
    answer = await questions.answer_question(
        author_id=helper.id, question_id=question.id, body="Quite."
    )

    edited = await questions.edit_question(
        author_id=asker.id, question_id=question.id, body="Is it bigger than a shoebox?"
    )
    assert (edited.body, edited.status) == ("Is it bigger than a shoebox?", ContentStatus.PUBLISHED)
    with pytest.raises(DomainError) as failure:
        await questions.edit_answer(author_id=asker.id, answer_id=answer.id, body="No")
    assert failure.value.code == "NOT_AUTHOR"
    # A rewrite with a link is held again and leaves the question's count
    held = await questions.edit_answer(
        author_id=helper.id, answer_id=answer.id, body="See https://example.com/size"
    )
    assert held.status == ContentStatus.HELD
    assert (await Question.get(id=question.id)).answer_count == 0
