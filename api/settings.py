"""Settings read from the environment, with safe defaults for the embedded mode."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.config import Config

ROOT_DIR = Path(__file__).resolve().parent.parent
config = Config(ROOT_DIR / ".env" if (ROOT_DIR / ".env").exists() else None)

DEFAULT_SQLITE_PATH = ROOT_DIR / "var" / "shopgraph.sqlite3"


@dataclass(frozen=True)
class Settings:
    database_url: str
    redis_url: str
    debug: bool
    host: str
    port: int
    max_query_depth: int
    max_query_tokens: int
    cache_ttl: int
    log_level: str
    environment: str
    secret_key: str
    # What one operation may cost, and each client's leaky bucket (README, "Conventions").
    max_query_cost: int = 5_000
    rate_limit_capacity: int = 20_000
    rate_limit_restore_rate: float = 1_000.0
    # The edge: what a request may be, what the server reveals, how it logs (README,
    # "Configuration" and "Production settings").
    max_body_bytes: int = 1_048_576
    introspection: bool = True
    field_suggestions: bool = True
    graphiql: bool = True
    cors_origins: tuple[str, ...] = ()
    log_format: str = "text"
    # Persisted queries (README, "Conventions" and "Production settings").
    trusted_documents: bool = False
    trusted_documents_file: str = str(ROOT_DIR / "var" / "trusted_documents.json")
    # Anonymous catalog reads (README, "HTTP caching"): `max-age` of public GET answers and
    # how long the server keeps an answer; 0 turns either off.
    http_cache_max_age: int = 10
    response_cache_ttl: int = 10
    # Domain events (README, "Partner apps"): how long the stream can be replayed, and
    # whether this process also runs the relay's consumers and deliveries (`shopgraph
    # worker` runs them in processes of their own when it is off).
    event_retention_hours: int = 168
    event_workers_in_server: bool = True
    # Webhooks (README, "Partner apps"): private, loopback and link-local targets are refused
    # unless allowed (local development, tests); an attempt's total timeout; how long an
    # endpoint may fail before it is disabled.
    webhook_allow_private: bool = False
    webhook_timeout_seconds: float = 15.0
    webhook_disable_after_hours: int = 120
    # Subscriptions (README, "Partner apps"): operations per socket, sockets per user or API
    # key (per process), the server's keep-alive ping, how often a socket's credentials are
    # checked again (and at the token's expiry), and how long connection_init may take.
    ws_max_subscriptions: int = 20
    ws_max_connections_per_caller: int = 10
    ws_keep_alive_seconds: float = 15.0
    ws_auth_recheck_seconds: float = 60.0
    ws_init_timeout_seconds: float = 10.0
    # Community moderation (README, "Community"): profanity "mask" or "hold" and the shop's
    # own words (comma-separated), submissions per member per minute and per day, trust
    # points a member needs to stop being new and to be trusted, points per verified
    # purchase, how deep comments nest.
    community_profanity_mode: str = "mask"
    community_extra_words: tuple[str, ...] = ()
    community_rate_per_minute: int = 5
    community_rate_per_day: int = 50
    community_new_member_max_links: int = 0
    community_new_member_max_images: int = 2
    community_trust_member: int = 3
    community_trust_trusted: int = 10
    community_trust_per_purchase: int = 2
    community_comment_max_depth: int = 3
    # Reviews and Q&A (README, "Reviews"): days after payment an untracked order counts as a
    # verified purchase; review.requested this many days after delivery, for deliveries at
    # most `review_request_window_days` older than that; question.answer_requested names up
    # to `question_ask_buyers_limit` members who bought within `question_ask_buyers_days`.
    review_verify_paid_days: int = 14
    review_request_days: int = 7
    review_request_window_days: int = 30
    question_ask_buyers_days: int = 180
    question_ask_buyers_limit: int = 20

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres", "asyncpg"))


def load_settings() -> Settings:
    """Read settings from the environment (and an optional `.env` file)."""
    environment = str(config("SHOPGRAPH_ENV", default="development")).lower()
    database_url = config("DATABASE_URL", default="")
    if not database_url:
        DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite://{DEFAULT_SQLITE_PATH}"
    settings = Settings(
        database_url=database_url,
        redis_url=config("REDIS_URL", default=""),
        debug=config("SHOPGRAPH_DEBUG", cast=bool, default=False),
        host=config("SHOPGRAPH_HOST", default="127.0.0.1"),
        port=config("SHOPGRAPH_PORT", cast=int, default=8000),
        max_query_depth=config("SHOPGRAPH_MAX_QUERY_DEPTH", cast=int, default=12),
        max_query_tokens=config("SHOPGRAPH_MAX_QUERY_TOKENS", cast=int, default=2000),
        cache_ttl=config("SHOPGRAPH_CACHE_TTL", cast=int, default=60),
        log_level=config("SHOPGRAPH_LOG_LEVEL", default="INFO"),
        environment=environment,
        secret_key=_secret_key(environment),
        max_query_cost=config("SHOPGRAPH_MAX_QUERY_COST", cast=int, default=5_000),
        rate_limit_capacity=config("SHOPGRAPH_RATE_LIMIT_CAPACITY", cast=int, default=20_000),
        rate_limit_restore_rate=config(
            "SHOPGRAPH_RATE_LIMIT_RESTORE_RATE", cast=float, default=1_000.0
        ),
        **_edge_settings(environment),
        event_retention_hours=config("SHOPGRAPH_EVENT_RETENTION_HOURS", cast=int, default=168),
        event_workers_in_server=config(
            "SHOPGRAPH_EVENT_WORKERS_IN_SERVER", cast=bool, default=True
        ),
        **_subscription_settings(),
        **_community_settings(),
        webhook_allow_private=config("SHOPGRAPH_WEBHOOK_ALLOW_PRIVATE", cast=bool, default=False),
        webhook_timeout_seconds=config("SHOPGRAPH_WEBHOOK_TIMEOUT", cast=float, default=15.0),
        webhook_disable_after_hours=config(
            "SHOPGRAPH_WEBHOOK_DISABLE_AFTER_HOURS", cast=int, default=120
        ),
    )
    check_settings(settings)
    return settings


class SettingsError(RuntimeError):
    """A configuration the server refuses to start with."""


def check_settings(settings: Settings) -> None:
    """Refuse configurations that would expose internals in production."""
    if settings.is_production and settings.debug:
        raise SettingsError(
            "SHOPGRAPH_DEBUG=true is refused when SHOPGRAPH_ENV=production: debug mode shows "
            "Python tracebacks to every caller"
        )
    if settings.max_body_bytes < 1:
        raise SettingsError("SHOPGRAPH_MAX_BODY_BYTES must be a positive number of bytes")
    if settings.http_cache_max_age < 0 or settings.response_cache_ttl < 0:
        raise SettingsError(
            "SHOPGRAPH_HTTP_CACHE_MAX_AGE and SHOPGRAPH_RESPONSE_CACHE_TTL must be 0 (off) or "
            "a positive number of seconds"
        )
    if settings.event_retention_hours < 1:
        raise SettingsError("SHOPGRAPH_EVENT_RETENTION_HOURS must be at least 1")
    if min(settings.ws_max_subscriptions, settings.ws_max_connections_per_caller) < 1:
        raise SettingsError(
            "SHOPGRAPH_WS_MAX_SUBSCRIPTIONS and SHOPGRAPH_WS_MAX_CONNECTIONS_PER_CALLER must be "
            "at least 1"
        )
    if settings.community_profanity_mode not in ("mask", "hold"):
        raise SettingsError("SHOPGRAPH_COMMUNITY_PROFANITY_MODE must be 'mask' or 'hold'")
    review_days = (
        settings.review_verify_paid_days,
        settings.review_request_days,
        settings.question_ask_buyers_days,
        settings.question_ask_buyers_limit,
    )
    if min(review_days) < 0 or settings.review_request_window_days < 1:
        raise SettingsError(
            "SHOPGRAPH_REVIEW_* and SHOPGRAPH_QUESTION_ASK_BUYERS_* must be 0 or more (the "
            "request window at least 1 day)"
        )
    if settings.log_format not in ("text", "json"):
        raise SettingsError("SHOPGRAPH_LOG_FORMAT must be 'text' or 'json'")


def _edge_settings(environment: str) -> dict[str, Any]:
    """Request limits and exposure; production turns off what helps an attacker."""
    development = environment != "production"
    introspection = config("SHOPGRAPH_INTROSPECTION", cast=bool, default=development)
    # Suggestions name fields as introspection would, so they follow it unless set.
    suggestions = config("SHOPGRAPH_FIELD_SUGGESTIONS", cast=bool, default=introspection)
    origins = config("SHOPGRAPH_CORS_ORIGINS", default="")
    return {
        "max_body_bytes": config("SHOPGRAPH_MAX_BODY_BYTES", cast=int, default=1_048_576),
        "introspection": introspection,
        "field_suggestions": suggestions,
        "graphiql": config("SHOPGRAPH_GRAPHIQL", cast=bool, default=development),
        "cors_origins": tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip()),
        "log_format": str(config("SHOPGRAPH_LOG_FORMAT", default="text")).lower(),
        **_trusted_documents(development),
        "http_cache_max_age": config("SHOPGRAPH_HTTP_CACHE_MAX_AGE", cast=int, default=10),
        "response_cache_ttl": config("SHOPGRAPH_RESPONSE_CACHE_TTL", cast=int, default=10),
    }


def _subscription_settings() -> dict[str, Any]:
    return {
        "ws_max_subscriptions": config("SHOPGRAPH_WS_MAX_SUBSCRIPTIONS", cast=int, default=20),
        "ws_max_connections_per_caller": config(
            "SHOPGRAPH_WS_MAX_CONNECTIONS_PER_CALLER", cast=int, default=10
        ),
        "ws_keep_alive_seconds": config("SHOPGRAPH_WS_KEEPALIVE_SECONDS", cast=float, default=15.0),
        "ws_auth_recheck_seconds": config(
            "SHOPGRAPH_WS_AUTH_RECHECK_SECONDS", cast=float, default=60.0
        ),
        "ws_init_timeout_seconds": config(
            "SHOPGRAPH_WS_INIT_TIMEOUT_SECONDS", cast=float, default=10.0
        ),
    }


def _community_settings() -> dict[str, Any]:
    words = str(config("SHOPGRAPH_COMMUNITY_EXTRA_WORDS", default=""))
    return {
        "community_profanity_mode": str(
            config("SHOPGRAPH_COMMUNITY_PROFANITY_MODE", default="mask")
        ).lower(),
        "community_extra_words": tuple(w.strip() for w in words.split(",") if w.strip()),
        "community_rate_per_minute": config(
            "SHOPGRAPH_COMMUNITY_RATE_PER_MINUTE", cast=int, default=5
        ),
        "community_rate_per_day": config("SHOPGRAPH_COMMUNITY_RATE_PER_DAY", cast=int, default=50),
        "community_new_member_max_links": config(
            "SHOPGRAPH_COMMUNITY_NEW_MEMBER_MAX_LINKS", cast=int, default=0
        ),
        "community_new_member_max_images": config(
            "SHOPGRAPH_COMMUNITY_NEW_MEMBER_MAX_IMAGES", cast=int, default=2
        ),
        "community_trust_member": config("SHOPGRAPH_COMMUNITY_TRUST_MEMBER", cast=int, default=3),
        "community_trust_trusted": config(
            "SHOPGRAPH_COMMUNITY_TRUST_TRUSTED", cast=int, default=10
        ),
        "community_trust_per_purchase": config(
            "SHOPGRAPH_COMMUNITY_TRUST_PER_PURCHASE", cast=int, default=2
        ),
        "community_comment_max_depth": config(
            "SHOPGRAPH_COMMUNITY_COMMENT_MAX_DEPTH", cast=int, default=3
        ),
        "review_verify_paid_days": config(
            "SHOPGRAPH_REVIEW_VERIFY_PAID_DAYS", cast=int, default=14
        ),
        "review_request_days": config("SHOPGRAPH_REVIEW_REQUEST_DAYS", cast=int, default=7),
        "review_request_window_days": config(
            "SHOPGRAPH_REVIEW_REQUEST_WINDOW_DAYS", cast=int, default=30
        ),
        "question_ask_buyers_days": config(
            "SHOPGRAPH_QUESTION_ASK_BUYERS_DAYS", cast=int, default=180
        ),
        "question_ask_buyers_limit": config(
            "SHOPGRAPH_QUESTION_ASK_BUYERS_LIMIT", cast=int, default=20
        ),
    }


def _trusted_documents(development: bool) -> dict[str, Any]:
    """Only registered operations run: by default in production once a registry exists."""
    path = config("SHOPGRAPH_TRUSTED_DOCUMENTS_FILE", default="") or str(
        ROOT_DIR / "var" / "trusted_documents.json"
    )
    default = not development and Path(path).exists()
    return {
        "trusted_documents": config("SHOPGRAPH_TRUSTED_DOCUMENTS", cast=bool, default=default),
        "trusted_documents_file": path,
    }


def _secret_key(environment: str) -> str:
    """The token-signing secret: required in production, generated once for local use."""
    secret = config("SHOPGRAPH_SECRET_KEY", default="")
    if secret:
        return str(secret)
    if environment == "production":
        raise SettingsError("SHOPGRAPH_SECRET_KEY must be set when SHOPGRAPH_ENV=production")
    # Kept in var/ so that tokens survive restarts and every local worker shares it.
    path = ROOT_DIR / "var" / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()
