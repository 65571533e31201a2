"""Where configuration comes from: the environment first, then generated development defaults.

Development defaults (secret key, encryption keys) are created on first use in the git-ignored data
folder, so a fresh clone runs with no set-up and no secret is ever committed.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

from django.utils.translation import gettext

REPO_DIR = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    path = Path(os.environ.get("JIANDU_DATA_DIR", REPO_DIR / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _generated_defaults() -> dict[str, str]:
    path = data_dir() / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    values = {
        "JIANDU_SECRET_KEY": secrets.token_urlsafe(50),
        "JIANDU_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "JIANDU_LOOKUP_KEY": secrets.token_urlsafe(32),
    }
    # Written with 0600 so other local users cannot read the development keys; written to a temporary
    # name and linked into place so two processes starting at once agree on one set of keys.
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(values, handle)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return json.loads(path.read_text(encoding="utf-8"))


def secret(name: str, *, generate: bool = True) -> str:
    """A secret from the environment, or in development the generated default."""
    value = os.environ.get(name)
    if value:
        return value
    if not generate:
        raise RuntimeError(
            gettext("环境变量 {name} 未设置 (environment variable {name} is required in production)").format(
                name=name
            )
        )
    return _generated_defaults()[name]


def derived(purpose: str, secret_key: str) -> str:
    """A development default derived from the secret key (base64 of 32 bytes). Production sets the
    real value in the environment (settings_production refuses to start without it)."""
    import hashlib

    digest = hashlib.sha256(f"jiandu:{purpose}:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default
