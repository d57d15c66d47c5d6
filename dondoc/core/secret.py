"""The secret key that signs completion links and derives feed tokens. There is no usable
default: a key that anyone can read in the source would let anyone with a copy of the
database derive every feed URL and forge completion links."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import SecretStr

REFUSED = {"change-me", "changeme", "secret", ""}  # the old default and its like
KEY_FILE = "secret.key"


class ConfigurationError(ValueError):
    """A setting dondoc cannot run with; the message says which and what to do."""


def signing_key(given: SecretStr | None, key_file: Path | None, data_dir: Path) -> str:
    """DONDOC_SECRET_KEY, else the contents of DONDOC_SECRET_KEY_FILE, else the key in the data
    dir, made on first use (as the demo and a one-machine install need)."""
    if given is not None:
        return _checked(given.get_secret_value(), "DONDOC_SECRET_KEY")
    if key_file is not None:
        try:
            written = key_file.read_text(encoding="utf-8")
        except OSError as error:
            message = f"DONDOC_SECRET_KEY_FILE {key_file}: cannot read it ({error.strerror})"
            raise ConfigurationError(message) from error
        return _checked(written.strip(), f"DONDOC_SECRET_KEY_FILE {key_file}")
    return _made_once(data_dir / KEY_FILE)


def _checked(key: str, where: str) -> str:
    if key.strip().lower() in REFUSED or len(key) < 16:
        raise ConfigurationError(
            f"{where} is a placeholder or shorter than 16 characters: set a random key "
            "(`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), or unset it "
            "to let dondoc make one in the data dir"
        )
    return key


def _made_once(path: Path) -> str:
    """The key in `path`, written first if there is none. Two processes starting together
    both try; the link is atomic, so exactly one key is ever written and both read it."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as draft_file:
            draft_file.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: its key is the key
        finally:
            draft.unlink()
    return _checked(path.read_text(encoding="utf-8").strip(), str(path))
