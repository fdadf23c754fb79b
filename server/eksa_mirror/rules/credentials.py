"""RM026: which unknown keys of the mirror section are credentials, by the meaning of the
words of their name (``regPassword``, ``Authorization``, ``basicAuth``; not ``userAgent``).

A key name is split into words at case changes, digits, ``_``, ``-`` and ``.``; the rules
are on ``is_credential_key``, the table of names both ways in tests/rules.
"""

from __future__ import annotations

import itertools
import re

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from eksa_mirror.core.findings import Fix
from eksa_mirror.core.source import is_null
from eksa_mirror.rules.context import Check
from eksa_mirror.rules.registry import E, declare

declare(
    "RM026",
    "credentials-in-spec",
    E,
    "credential-looking key in the mirror section",
    since="v0.6.0",
)

#: Words that name a secret wherever they stand (``pullSecret``, ``tokenFile``).
SECRET_WORDS = frozenset({
    "username", "password", "passwd", "passphrase", "pwd", "token", "secret", "secrets",
    "credential", "credentials", "creds", "cred", "apikey", "accesskey", "secretkey",
    "bearer", "auths",
})  # fmt: skip
#: Words that name a credential only as the head of the name: its last word (``regUser``,
#: ``basicAuth``, ``Proxy-Authorization``), or followed by a word that completes it
#: (``userName``, ``authHeader``). Before another word they modify it and hold no secret:
#: ``userAgent``, ``passThrough``, ``authType``, ``loginServer``, ``cookieName``.
HEAD_WORDS: dict[str, frozenset[str]] = {
    "user": frozenset({"name", "id", "info"}),
    "usr": frozenset({"name"}),
    "login": frozenset({"name", "id"}),
    "pass": frozenset({"word", "phrase", "code"}),
    "auth": frozenset({"key", "header", "headers", "value", "string", "info", "code"}),
    "authorization": frozenset({"header", "headers", "value"}),
    "cookie": frozenset({"header", "value"}),
}
#: Pairs of words that name a secret together.
SECRET_PAIRS = frozenset({("api", "key"), ("access", "key"), ("private", "key")})
#: Words unambiguous enough to be found inside a one-piece lower-case name (``regpassword``).
_INSIDE = ("password", "passwd", "username", "token", "secret", "credential", "apikey")
#: Endings of a one-piece lower-case name that name basic or header auth (``basicauth``).
_ENDINGS = ("auth", "authorization")

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def words(name: str) -> list[str]:
    """The words of a key name, lower-cased: ``authUserName`` → auth, user, name."""
    return [w.lower() for w in _WORD.findall(name)]


def is_credential_key(name: str) -> bool:
    """A credential when a word of ``name`` is a secret word, two words make one (``api`` +
    ``key``), a head word stands last or before a completing word, or, for a name written in
    one lower-case piece, it holds a secret word or ends in ``auth``/``authorization``."""
    parts = words(name)
    if any(w in SECRET_WORDS for w in parts):
        return True
    if any(pair in SECRET_PAIRS for pair in itertools.pairwise(parts)):
        return True
    for word, after in itertools.pairwise([*parts, ""]):
        if word in HEAD_WORDS and (not after or after in HEAD_WORDS[word]):
            return True
    if len(parts) == 1 and parts[0] != "authenticate":
        one = parts[0]
        return any(w in one for w in _INSIDE) or one.endswith(_ENDINGS)
    return False


#: How deep ``holds_credential`` looks into a value (``header:`` → ``Authorization:``).
_DEPTH = 3


def holds_credential(value: Node, depth: int = _DEPTH) -> str | None:
    """The first key named like a credential inside a mapping value (or a list of them), as
    containerd's ``[host."…".header]`` table holds ``authorization``; ``None`` if none."""
    if depth == 0:
        return None
    if isinstance(value, SequenceNode):
        children = value.value
    elif isinstance(value, MappingNode):
        for key, _ in value.value:
            if isinstance(key, ScalarNode) and is_credential_key(str(key.value)):
                return str(key.value)
        children = [child for _, child in value.value]
    else:
        return None
    for child in children:
        found = holds_credential(child, depth - 1)
        if found is not None:
            return found
    return None


def report_credential(
    check: Check, mapping: MappingNode, key: ScalarNode, value: Node, where: str
) -> bool:
    """RM026 for an unknown key named like a credential, or holding a key so named (a
    ``header:`` table); whether it was one. The fix removes the key with its value, where
    they own their lines (not in a flow mapping, nor after a sequence item's "- ")."""
    name = str(key.value)
    inner = None if is_credential_key(name) else holds_credential(value)
    if inner is None and not is_credential_key(name):
        return False
    last = check.span(value).end.line if not is_null(value) else check.span(key).end.line
    start = check.span(key).start
    own_lines = mapping.flow_style is False and not check.line(start.line)[: start.column].strip()
    fix = (
        Fix(f'Remove the "{name}" key', (check.delete_lines(start.line, last),), safe=False)
        if own_lines
        else None
    )
    what = "looks like a credential"
    if inner is not None:
        what = f'holds "{inner}", which looks like a credential,'
    check.emit(
        "RM026",
        f'"{name}" {what} and is not a field of the mirror configuration: set '
        "REGISTRY_USERNAME and REGISTRY_PASSWORD in the environment of eksctl anywhere (the "
        "controller reads the eksa-system/registry-credentials Secret) and use authenticate: "
        "true; a secret that was committed should be rotated",
        check.span(key),
        where,
        fix,
    )
    return True
