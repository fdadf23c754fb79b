"""Secrets out of every message ``check`` prints, whoever put them there.

A registry may echo what it receives into a header, a realm or a reason phrase. ``Redactor``
knows the password, ``base64(user:pass)`` and the tokens sent, and replaces each, as is,
URL-encoded, JSON-escaped or base64 (padded or not), even cut short (``…``), by
``[REDACTED]``.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.parse
from collections.abc import Iterable, Mapping

MASK = "[REDACTED]"
#: Shorter values are not redacted (they would blank out ordinary words).
MIN_SECRET = 4


def _forms(secret: str) -> set[str]:
    forms = {
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret, safe=""),
        urllib.parse.quote(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
    }
    return {form for form in forms if len(form) >= MIN_SECRET}


def basic_token(username: str, password: str) -> str:
    """``base64(user:pass)``, as in ``Authorization: Basic``."""
    return base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class Redactor:
    """Replaces known secret values in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    @classmethod
    def for_credentials(cls, env: Mapping[str, str], user_var: str, pass_var: str) -> Redactor:
        """A redactor for the password in ``env`` and every Basic form of it."""
        redactor = cls()
        password = env.get(pass_var, "")
        if password:
            username = env.get(user_var, "")
            redactor.add(password)
            redactor.add(f"{username}:{password}")
            token = basic_token(username, password)
            redactor.add(token)
            redactor.add(token.rstrip("="))
            redactor.add(base64.urlsafe_b64encode(f"{username}:{password}".encode()).decode())
        return redactor

    def add(self, secret: str) -> None:
        """Redact ``secret`` (and its encoded forms) from now on."""
        if len(secret) >= MIN_SECRET and secret not in self._secrets:
            self._secrets.add(secret)
            self._pattern = None

    def _compiled(self) -> re.Pattern[str] | None:
        if self._pattern is None and self._secrets:
            forms = sorted({f for s in self._secrets for f in _forms(s)}, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(f) for f in forms), re.IGNORECASE)
        return self._pattern

    def __call__(self, text: str) -> str:
        pattern = self._compiled()
        if pattern is None or not text:
            return text
        text = pattern.sub(MASK, text)
        if "…" in text:
            text = self._cut_prefixes(text)
        return text

    def _cut_prefixes(self, text: str) -> str:
        """A secret truncated by a length limit: its prefix just before ``…``."""
        for secret in self._secrets:
            for form in _forms(secret):
                for size in range(len(form) - 1, MIN_SECRET - 1, -1):
                    text = text.replace(form[:size] + "…", MASK + "…")
        return text
