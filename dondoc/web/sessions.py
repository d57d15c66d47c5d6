"""Who may use the admin pages, and how they stay logged in.

Accounts are argon2 hashes in the settings (`dondoc admin hash-password` makes one): with none
configured the admin pages are closed, never open. A login becomes a signed cookie (the
project's secret key, its own salt) that carries the user, when it was issued, a CSRF token
for the forms and a fingerprint of the user's hash, so changing a password ends every session
made with the old one; logging out records the session's token as ended in the database
(models.admin_session), so a copy of the cookie elsewhere is refused too. The cookie is
HttpOnly and SameSite=Lax (a link from an email or the Prefect UI still arrives logged in;
another site's POST does not), Secure over https.

Failed logins are counted in memory, in a sliding window: per user name from one address
(5), per address whatever the names (20), and per user name from anywhere (100, a guesser
spread over many addresses). So a stranger who fails five times as `admin` slows only
themselves: the admin, from their own address, still logs in. A process restart forgets the
counts, and several processes count separately (each still refuses past its limits, which is
what keeps guessing slow)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeSerializer

from dondoc.core.secret import ConfigurationError
from dondoc.core.settings import Settings

COOKIE = "dondoc_admin"
COOKIE_PATH = "/admin"
DEFAULT_USER = "admin"
_HASHER = PasswordHasher()
# Verified when the user name is unknown, so an unknown name costs what a known one does.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
_USER = re.compile(r"[^\s:;]{1,64}")
LOGIN_FORM_SECONDS = 3600  # how long a login form stays usable


def hash_password(password: str) -> str:
    """An argon2id hash with argon2-cffi's recommended parameters, for the settings."""
    return _HASHER.hash(password)


class AdminAccounts:
    """The configured admins: user name → argon2 hash."""

    def __init__(self, hashes: Mapping[str, str]) -> None:
        self._hashes = dict(hashes)

    @classmethod
    def from_settings(cls, settings: Settings) -> AdminAccounts:
        """DONDOC_ADMIN_PASSWORD_HASH (user `admin`) and DONDOC_ADMIN_ACCOUNTS; a malformed
        entry stops the app with a message naming it (never the hash itself)."""
        hashes: dict[str, str] = {}
        if settings.admin_password_hash is not None:
            hashes[DEFAULT_USER] = settings.admin_password_hash.get_secret_value().strip()
        if settings.admin_accounts is not None:
            for entry in re.split(r"[\s;]+", settings.admin_accounts.get_secret_value()):
                if not entry:
                    continue
                user, colon, hashed = entry.partition(":")
                if not colon or not _USER.fullmatch(user):
                    raise ConfigurationError(
                        "DONDOC_ADMIN_ACCOUNTS: each entry is NAME:HASH, separated by spaces or"
                        f" semicolons; one starting {user[:20]!r} is not"
                    )
                hashes[user] = hashed
        for user, hashed in hashes.items():
            try:
                extract_parameters(hashed)
            except InvalidHashError:
                raise ConfigurationError(
                    f"the admin password hash of {user!r} is not an argon2 hash: make one with"
                    " `dondoc admin hash-password`"
                ) from None
        return cls(hashes)

    @property
    def configured(self) -> bool:
        return bool(self._hashes)

    def verify(self, user: str, password: str) -> bool:
        """Whether the password is the user's; an argon2 verification runs either way."""
        hashed = self._hashes.get(user)
        try:
            return _HASHER.verify(hashed or _DUMMY_HASH, password) and hashed is not None
        except VerificationError:
            return False
        except InvalidHashError:
            return False

    def fingerprint(self, user: str) -> str | None:
        """A short digest of the user's hash: a session stays valid only while it matches."""
        hashed = self._hashes.get(user)
        if hashed is None:
            return None
        return hashlib.sha256(hashed.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class AdminSession:
    user: str
    csrf: str
    token: str = ""  # names the session, so logging out can end it (models.admin_session)
    expires: float = 0.0  # when its cookie expires, in seconds since the epoch


def same_token(expected: str, given: str | None) -> bool:
    """A CSRF token compared in constant time."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


class SessionCookies:
    """The admin cookie: a login form's nonce before login, a session after."""

    def __init__(
        self,
        secret: str,
        accounts: AdminAccounts,
        hours: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._serializer = URLSafeSerializer(secret, salt="dondoc.admin.session")
        self.accounts = accounts
        self.seconds = hours * 3600
        self.clock = clock

    def _read(self, cookies: Mapping[str, str]) -> dict[str, object] | None:
        value = cookies.get(COOKIE)
        if not value or len(value) > 1024:
            return None
        try:
            data = self._serializer.loads(value)
        except BadSignature:
            return None
        return data if isinstance(data, dict) else None

    def session(self, cookies: Mapping[str, str]) -> AdminSession | None:
        """The logged-in admin, unless the cookie is missing, forged, expired or made with
        a password hash that has since changed."""
        data = self._read(cookies)
        if data is None or not isinstance(data.get("u"), str):
            return None
        user, issued, csrf, token = data["u"], data.get("t"), data.get("c"), data.get("s")
        if not isinstance(issued, int | float) or not isinstance(csrf, str):
            return None
        if not isinstance(token, str) or not token:
            return None
        if not 0 <= self.clock() - issued < self.seconds:
            return None
        if data.get("f") != self.accounts.fingerprint(str(user)):
            return None
        return AdminSession(str(user), csrf, token, issued + self.seconds)

    def login_nonce(self, cookies: Mapping[str, str]) -> str | None:
        """The nonce of the login form this browser was given, while it is fresh."""
        data = self._read(cookies)
        if data is None or not isinstance(data.get("n"), str):
            return None
        issued = data.get("t")
        if not isinstance(issued, int | float):
            return None
        if not 0 <= self.clock() - issued < LOGIN_FORM_SECONDS:
            return None
        return str(data["n"])

    def issue(self, user: str, *, secure: bool) -> tuple[AdminSession, str]:
        """A new session (a fresh CSRF token) and its Set-Cookie value."""
        csrf, token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        fingerprint = self.accounts.fingerprint(user)
        issued = int(self.clock())
        data = {"u": user, "t": issued, "c": csrf, "f": fingerprint, "s": token}
        session = AdminSession(user, csrf, token, issued + self.seconds)
        return session, self._cookie(data, self.seconds, secure)

    def login_form(self, *, secure: bool) -> tuple[str, str]:
        """A nonce for a login form and its Set-Cookie value."""
        nonce = secrets.token_urlsafe(24)
        data = {"n": nonce, "t": int(self.clock())}
        return nonce, self._cookie(data, LOGIN_FORM_SECONDS, secure)

    def cleared(self, *, secure: bool) -> str:
        return _cookie_header("", 0, secure)

    def _cookie(self, data: dict[str, object], seconds: float, secure: bool) -> str:
        return _cookie_header(self._serializer.dumps(data), int(seconds), secure)


def _cookie_header(value: str, max_age: int, secure: bool) -> str:
    flags = f"Path={COOKIE_PATH}; Max-Age={max_age}; HttpOnly; SameSite=Lax"
    return f"{COOKIE}={value}; {flags}" + ("; Secure" if secure else "")


def login_keys(user: str, client: str) -> list[str]:
    """The counters a login from `client` as `user` is held to (see LoginThrottle.LIMITS)."""
    name = user.casefold()
    return [f"pair:{name}@{client}", f"ip:{client}", f"user:{name}"]


class LoginThrottle:
    """Failed logins per key (`login_keys`) within a sliding window."""

    # failures allowed in WINDOW, by the key's kind
    LIMITS: ClassVar[dict[str, int]] = {"pair": 5, "ip": 20, "user": 100}
    WINDOW = 900.0
    MOST_KEYS = 10_000  # random user names must not fill the memory

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[str, list[float]] = {}

    def wait(self, keys: list[str]) -> float:
        """Seconds until any of `keys` may try again (0: now)."""
        now = self.clock()
        longest = 0.0
        for key in keys:
            limit = self._limit(key)
            recent = [t for t in self._failures.get(key, []) if now - t < self.WINDOW]
            if len(recent) >= limit:
                longest = max(longest, self.WINDOW - (now - recent[-limit]))
        return longest

    def failed(self, keys: list[str]) -> None:
        now = self.clock()
        if len(self._failures) >= self.MOST_KEYS:
            self._failures = {
                key: times for key, times in self._failures.items() if now - times[-1] < self.WINDOW
            }
            while len(self._failures) >= self.MOST_KEYS:
                del self._failures[next(iter(self._failures))]
        for key in keys:
            times = [t for t in self._failures.pop(key, []) if now - t < self.WINDOW]
            self._failures[key] = [*times, now][-self._limit(key) :]

    def _limit(self, key: str) -> int:
        return self.LIMITS[key.split(":", 1)[0]]

    def succeeded(self, keys: list[str]) -> None:
        for key in keys:
            self._failures.pop(key, None)
