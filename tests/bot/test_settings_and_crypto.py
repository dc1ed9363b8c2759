import os
import stat

import pytest

from bot.settings import Settings, SettingsError, mask_url_password
from bot.storage.crypto import Cipher, DecryptionError, derive_key, pseudonymous_key


def test_defaults_are_embedded(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.effective_database_url == f"sqlite+aiosqlite:///{tmp_path / 'helpline.db'}"
    assert settings.redis_url is None
    assert settings.embedded_redis_file == tmp_path / "redis.db"
    assert settings.env == "development"


def test_environment_variables_are_read(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPLINE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@db/helpline")
    monkeypatch.setenv("HELPLINE_PORT", "9001")
    monkeypatch.setenv("NLU_FALLBACK_THRESHOLD", "0.4")
    settings = Settings()
    assert settings.data_dir == tmp_path
    assert settings.port == 9001
    assert settings.effective_database_url.endswith("@db/helpline")
    assert settings.nlu_config().fallback_threshold == 0.4


def test_secret_is_generated_once_and_private(tmp_path):
    settings = Settings(data_dir=tmp_path)
    first = settings.master_secret()
    assert len(first) >= 48
    assert Settings(data_dir=tmp_path).master_secret() == first
    mode = stat.S_IMODE(os.stat(tmp_path / "secret.key").st_mode)
    assert mode == 0o600


def test_production_requires_a_real_secret(tmp_path):
    with pytest.raises(SettingsError, match="required in production"):
        Settings(env="production", data_dir=tmp_path).master_secret()
    with pytest.raises(SettingsError, match="placeholder"):
        Settings(env="production", data_dir=tmp_path, secret_key="changeme").master_secret()
    good = "x" * 40
    assert Settings(env="production", data_dir=tmp_path, secret_key=good).master_secret() == good
    assert not (tmp_path / "secret.key").exists()


def test_config_masks_secrets(tmp_path):
    settings = Settings(
        data_dir=tmp_path,
        secret_key="s" * 40,
        database_url="postgresql://helpline:hunter2@db/helpline",
        redis_url="redis://:redispw@cache:6379/0",
        rasa_token="tok",
    )
    shown = "\n".join(f"{k}={v}" for k, v in settings.masked().items())
    for secret in ("s" * 40, "hunter2", "redispw", "=tok"):
        assert secret not in shown
    assert "DATABASE_URL=postgresql://helpline:********@db/helpline" in shown
    assert mask_url_password("redis://cache:6379") == "redis://cache:6379"


def test_encryption_round_trip_and_tampering():
    cipher = Cipher.from_secret("k" * 48)
    token = cipher.encrypt("my boss took my passport", b"message")
    assert b"passport" not in token
    assert cipher.decrypt(token, b"message") == "my boss took my passport"
    assert cipher.encrypt("same", b"message") != cipher.encrypt("same", b"message")  # nonce
    with pytest.raises(DecryptionError):
        cipher.decrypt(token, b"platform_id")  # moved to another column
    tampered = token[:-1] + bytes([token[-1] ^ 1])
    with pytest.raises(DecryptionError):
        cipher.decrypt(tampered, b"message")
    with pytest.raises(DecryptionError):
        Cipher.from_secret("another secret of enough length!!").decrypt(token, b"message")
    with pytest.raises(DecryptionError, match="not a helpline"):
        cipher.decrypt(b"short", b"message")


def test_key_ring_decrypts_old_keys():
    old = Cipher({1: derive_key("s" * 40, "encryption:1")}, current=1)
    token = old.encrypt("hello")
    ring = Cipher(
        {1: derive_key("s" * 40, "encryption:1"), 2: derive_key("s" * 40, "encryption:2")},
        current=2,
    )
    assert ring.decrypt(token) == "hello"
    assert ring.encrypt("new")[1] == 2


def test_pseudonymous_keys():
    key = pseudonymous_key("s" * 40, "telegram", "123456789")
    assert key == pseudonymous_key("s" * 40, "telegram", "123456789")
    assert key != pseudonymous_key("s" * 40, "whatsapp", "123456789")
    assert key != pseudonymous_key("t" * 40, "telegram", "123456789")
    assert "123456789" not in key and len(key) == 64
