"""Settings read from the environment (every name starts with CARTABLE_)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from engine.domain.errors import ValidationFailed


@dataclass(frozen=True)
class Settings:
    """Typed settings; build them with :meth:`from_env`."""

    data_dir: Path
    database_url: str
    secret_key: str
    host: str = "127.0.0.1"
    port: int = 8000
    broker_url: str | None = None
    default_locale: str = "fa"
    token_ttl_hours: int = 24 * 30

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read CARTABLE_* variables; the embedded default is SQLite under ./var."""
        env = os.environ if environ is None else environ
        data_dir = Path(env.get("CARTABLE_DATA_DIR", "var")).resolve()
        database_url = env.get("CARTABLE_DATABASE_URL") or f"sqlite:///{data_dir / 'cartable.db'}"
        port_text = env.get("CARTABLE_PORT", "8000")
        if not port_text.isdigit():
            raise ValidationFailed.single("CARTABLE_PORT", "must be a port number")
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=env.get("CARTABLE_SECRET_KEY") or _dev_secret(data_dir),
            host=env.get("CARTABLE_HOST", "127.0.0.1"),
            port=int(port_text),
            broker_url=env.get("CARTABLE_BROKER_URL") or None,
            default_locale=env.get("CARTABLE_DEFAULT_LOCALE", "fa"),
            token_ttl_hours=int(env.get("CARTABLE_TOKEN_TTL_HOURS", str(24 * 30))),
        )


def _dev_secret(data_dir: Path) -> str:
    """Return a per-installation random key kept in the data dir (embedded default only).

    Production sets CARTABLE_SECRET_KEY; this keeps `make run` free of a key in the repo.
    """
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32).hex()
    path.write_text(key)
    path.chmod(0o600)
    return key
