"""Which unknown keys of the mirror section are credentials, by the words of their name (RM026:
``authUserName``, ``regPassword``, ``pullSecret``, ``registry_token`` ...).

A key name is split into words at case changes, digits, ``_``, ``-`` and ``.``; the rule of
the match is on ``is_credential_key``. ``authenticate`` is a word of its own and never
matches.
"""

from __future__ import annotations

import itertools
import re

CREDENTIAL_WORDS = frozenset({
    "user", "username", "usr", "login", "pass", "password", "passwd", "passphrase", "pwd",
    "token", "secret", "secrets", "credential", "credentials", "creds", "cred", "apikey",
    "accesskey", "secretkey", "bearer",
})  # fmt: skip
#: Pairs of words that name a credential together.
CREDENTIAL_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key"),
                              ("user", "name"), ("pass", "word")})  # fmt: skip
#: Words unambiguous enough to be found inside a one-piece lower-case name.
_INSIDE = ("password", "passwd", "username", "token", "secret", "credential", "apikey")
#: ``auth`` alone is Docker's base64 user:password field; inside longer names it is too vague
#: (``authority``, ``authenticate``) unless another word says credential.
_WHOLE_ONLY = frozenset({"auth"})

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def words(name: str) -> list[str]:
    """The words of a key name, lower-cased: ``authUserName`` → auth, user, name."""
    return [w.lower() for w in _WORD.findall(name)]


def is_credential_key(name: str) -> bool:
    """A credential when a word of ``name`` is one of ``CREDENTIAL_WORDS``, two words make one
    (``api`` + ``key``), or, for a name written in one lower-case piece, it contains an
    unambiguous credential word (``regpassword``)."""
    parts = words(name)
    if not parts:
        return False
    if len(parts) == 1 and parts[0] in _WHOLE_ONLY:
        return True
    if any(w in CREDENTIAL_WORDS for w in parts):
        return True
    if any(pair in CREDENTIAL_PAIRS for pair in itertools.pairwise(parts)):
        return True
    if len(parts) == 1 and parts[0] != "authenticate":
        return any(word in parts[0] for word in _INSIDE)
    return False
