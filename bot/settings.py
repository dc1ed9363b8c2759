"""Every setting of the helpline, read from the environment: the one place to look.

Defaults run embedded (SQLite file and an embedded Redis in HELPLINE_DATA_DIR, a secret
generated on first run). Production (HELPLINE_ENV=production) refuses to start without
a real secret. The README's settings table documents each variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nlu.config import DEFAULT_MODEL_DIR, NLUConfig

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRETS = {"changeme", "change-me", "secret", "changethis", "helpline", "dev"}


def _env(name: str, default: object, description: str) -> object:
    return Field(default, validation_alias=AliasChoices(name), description=description)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    env: Literal["development", "production"] = _env(
        "HELPLINE_ENV", "development", "development (embedded defaults) or production"
    )
    data_dir: Path = _env(
        "HELPLINE_DATA_DIR", ROOT / "var", "SQLite file, embedded Redis, generated secret"
    )
    database_url: str | None = _env(
        "DATABASE_URL", None, "SQLAlchemy async URL; default sqlite in the data directory"
    )
    redis_url: str | None = _env(
        "REDIS_URL", None, "redis:// URL; default an embedded Redis in the data directory"
    )
    secret_key: SecretStr | None = _env(
        "HELPLINE_SECRET_KEY", None, "master secret: pseudonymous keys, encryption at rest"
    )
    default_locale: str = _env("HELPLINE_DEFAULT_LOCALE", "en", "language before one is known")
    flows_dir: Path = _env("HELPLINE_FLOWS_DIR", ROOT / "flows", "answer flows (YAML)")
    host: str = _env("HELPLINE_HOST", "127.0.0.1", "address `helpline serve` listens on")
    port: int = _env("HELPLINE_PORT", 8000, "port `helpline serve` listens on")
    log_level: str = _env("HELPLINE_LOG_LEVEL", "info", "debug, info, warning, error")
    max_message_chars: int = _env(
        "HELPLINE_MAX_MESSAGE_CHARS", 4096, "longer inbound messages are cut, never refused"
    )
    dedupe_ttl_seconds: int = _env(
        "HELPLINE_DEDUPE_TTL", 86_400, "how long a channel message id is remembered"
    )
    state_ttl_seconds: int = _env(
        "HELPLINE_STATE_TTL", 7 * 86_400, "how long conversation state stays in Redis"
    )
    fallback_confidence: float = _env(
        "HELPLINE_FALLBACK_CONFIDENCE", 0.5, "below this intent confidence, offer choices"
    )
    nlu_model_dir: Path = _env("NLU_MODEL_DIR", DEFAULT_MODEL_DIR, "trained NLU model")
    nlu_fallback_threshold: float = _env(
        "NLU_FALLBACK_THRESHOLD", 0.3, "below this confidence the intent is nlu_fallback"
    )
    nlu_ambiguity_threshold: float = _env(
        "NLU_AMBIGUITY_THRESHOLD", 0.0, "nlu_fallback when the two best intents are this close"
    )
    nlu_max_input_chars: int = _env("NLU_MAX_INPUT_CHARS", 1000, "characters the NLU reads")
    rasa_url: str | None = _env("RASA_URL", None, "remote Rasa server for intents")
    rasa_token: SecretStr | None = _env("RASA_TOKEN", None, "Rasa token auth")
    rasa_timeout: float = _env("RASA_TIMEOUT", 5.0, "seconds before the local model answers")

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        return value.strip() or "en"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'helpline.db'}"

    @property
    def embedded_redis_file(self) -> Path:
        return self.data_dir / "redis.db"

    def nlu_config(self) -> NLUConfig:
        return NLUConfig(
            model_dir=self.nlu_model_dir,
            fallback_threshold=self.nlu_fallback_threshold,
            ambiguity_threshold=self.nlu_ambiguity_threshold,
            max_input_chars=self.nlu_max_input_chars,
            rasa_url=self.rasa_url,
            rasa_token=self.rasa_token.get_secret_value() if self.rasa_token else None,
            rasa_timeout=self.rasa_timeout,
        )

    def master_secret(self) -> str:
        """The secret key: from the environment, or (development only) generated once."""
        if self.secret_key is not None:
            value = self.secret_key.get_secret_value()
            if self.production and (
                len(value) < 32 or value.lower().strip() in PLACEHOLDER_SECRETS
            ):
                raise SettingsError(
                    "HELPLINE_SECRET_KEY is too short or a placeholder: use at least 32 "
                    "random characters (e.g. `python -c 'import secrets; "
                    "print(secrets.token_urlsafe(48))'`)"
                )
            return value
        if self.production:
            raise SettingsError(
                "HELPLINE_SECRET_KEY is required in production (HELPLINE_ENV=production)"
            )
        path = self.data_dir / "secret.key"
        if not path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            # Created readable by its owner only; never printed.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

    def masked(self) -> dict[str, str]:
        """Effective settings by environment variable, secrets masked (`helpline config`)."""
        shown: dict[str, str] = {}
        for name, field in type(self).model_fields.items():
            variable = field.validation_alias.choices[0]  # type: ignore[union-attr]
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                text = "********"
            elif value is None and name == "database_url":
                text = f"{self.effective_database_url}  (default)"
            elif value is None and name == "redis_url":
                text = f"embedded Redis at {self.embedded_redis_file}  (default)"
            elif value is None and name == "secret_key":
                text = "(generated, stored in the data directory)"
            elif name in ("database_url", "redis_url") and value:
                text = mask_url_password(value)
            else:
                text = "" if value is None else str(value)
            shown[variable] = text
        return shown


class SettingsError(RuntimeError):
    """A setting that cannot work; the message says which and what to do."""


def mask_url_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":********@")
    return urlunsplit(parts._replace(netloc=netloc))
