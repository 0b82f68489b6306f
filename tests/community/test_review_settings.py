"""Review and Q&A settings come from the environment through api/settings.py, like the other
community settings, and reach the services when the app or the worker starts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from api.community import configure_community
from api.settings import SettingsError, check_settings, load_settings
from services.community.reviews import config

VARIABLES = {
    "SHOPGRAPH_REVIEW_VERIFY_PAID_DAYS": "3",
    "SHOPGRAPH_REVIEW_REQUEST_DAYS": "2",
    "SHOPGRAPH_REVIEW_REQUEST_WINDOW_DAYS": "9",
    "SHOPGRAPH_QUESTION_ASK_BUYERS_DAYS": "60",
    "SHOPGRAPH_QUESTION_ASK_BUYERS_LIMIT": "4",
}


@pytest.fixture
def restored() -> Iterator[None]:
    before = config.current()
    try:
        yield
    finally:
        config.CONFIG = before


@pytest.mark.usefixtures("restored")
def test_review_settings_are_read_by_api_settings_and_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in VARIABLES.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert (settings.review_verify_paid_days, settings.review_request_days) == (3, 2)
    configure_community(settings)
    assert config.current() == config.ReviewConfig(
        verify_paid_days=3,
        request_after_days=2,
        request_window_days=9,
        ask_buyers_days=60,
        ask_buyers_limit=4,
    )


@pytest.mark.usefixtures("restored")
def test_defaults_without_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    configure_community(load_settings())
    assert config.current() == config.ReviewConfig()


@pytest.mark.parametrize(
    "change",
    [{"review_verify_paid_days": -1}, {"review_request_window_days": 0}],
)
def test_impossible_values_are_refused_at_start_up(change: dict[str, int]) -> None:
    with pytest.raises(SettingsError, match="SHOPGRAPH_REVIEW_"):
        check_settings(replace(load_settings(), **change))  # type: ignore[arg-type]
