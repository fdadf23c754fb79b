"""Certificate rules: RM014 (not a certificate), RM015 (quality), RM027 (private key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from yaml.nodes import ScalarNode

from eksa_mirror.core.eksa import errors
from eksa_mirror.core.findings import Fix, Severity, TextEdit
from eksa_mirror.core.known import Known
from eksa_mirror.core.mirror import CA_ENV, EnvCa, ca_from_env
from eksa_mirror.core.positions import Position, Span
from eksa_mirror.rules.context import Check, pointer
from eksa_mirror.rules.registry import E, W, declare

if TYPE_CHECKING:  # core.pki (and cryptography) load only for a spec that has a CA
    from eksa_mirror.core.pki import PemBlock

declare(
    "RM014", "ca-not-certificate", E, "`caCertContent` is not a PEM certificate", since="v0.6.0"
)
declare(
    "RM015",
    "ca-certificate-quality",
    W,
    "CA certificate expired, not a CA, or several",
    since="v0.6.0",
)
declare(
    "RM027",
    "private-key-in-ca",
    E,
    "a private key pasted into `caCertContent`",
    since="v0.6.0",
    fix="safe",
)


def check_ca(check: Check) -> None:
    key = check.model.mirror_key
    found = check.mirror_scope.get("caCertContent", fold_case=True)
    if found.state is Known.UNKNOWN:
        return  # a masked line may hold the CA or a part of it
    pair = found.pair
    if pair is not None and isinstance(pair[1], ScalarNode) and isinstance(pair[1].value, str):
        value = pair[1].value
        if value.strip():
            _check_value(check, value, check.span(pair[1]), pair[1], "caCertContent")
            return
    if check.options.check_env and key is not None:
        env_ca = ca_from_env(check.options.environ())
        if env_ca is not None:
            _check_env_file(check, env_ca, check.span(pair[0] if pair else key))


def _check_env_file(check: Check, env_ca: EnvCa, span: Span) -> None:
    path = env_ca.path
    if env_ca.error:
        check.emit(
            "RM014",
            errors.cert_file_unreadable(path, f"open {path}: {env_ca.error.lower()}")
            + f" ({CA_ENV})",
            span,
            pointer("caCertContent"),
        )
        return
    _check_value(check, env_ca.content, span, None, f"{CA_ENV}={path}")


def _check_value(
    check: Check, value: str, span: Span, node: ScalarNode | None, origin: str
) -> None:
    from eksa_mirror.core import pki

    where = pointer("caCertContent")
    # Findings from the environment's file sit on the mirror key: say where the content is from.
    suffix = "" if node is not None else f" (read from {origin})"
    blocks = pki.pem_blocks(value)
    keys = [b for b in blocks if b.is_private_key]
    if keys:
        fix = _remove_keys_fix(check, node, keys) if node is not None else None
        check.emit(
            "RM027",
            f"{origin} contains a private key: only the public CA certificate belongs here; "
            "remove the key and treat it as leaked (it is stored in the cluster spec and on "
            "every node)",
            span,
            where,
            fix,
        )
    try:
        cert = pki.first_certificate(value)
    except pki.CertificateError as exc:
        if not (keys and len(blocks) == len(keys)):
            if node is not None and node.style == ">" and blocks:
                _folded(check, node, f"{exc}", span, where)
            else:
                check.emit("RM014", f"{exc}{suffix}", span, where)
        return
    for problem in pki.quality_problems(cert, check.options.now):
        check.emit("RM015", f"{problem}{suffix}", span, where)
    certs = [b for b in blocks if b.label == "CERTIFICATE"]
    if len(certs) > 1:
        check.emit(
            "RM015",
            f"{origin} holds {len(certs)} certificates: EKS-A verifies the registry with the "
            "first one only; give the single CA that signed the registry certificate",
            span,
            where,
            severity=Severity.WARNING,
        )


def _folded(check: Check, node: ScalarNode, error: str, span: Span, where: str) -> None:
    """RM014 for a folded block (``>``): YAML joins its lines with spaces, so the BEGIN line
    is no longer a line of its own; a literal block (``|``) keeps the certificate as written."""
    start = check.span(node).start
    indicator = Span(start, Position(start.line, start.column + 1))
    check.emit(
        "RM014",
        f"{error}: a folded block (>) joins the certificate's lines with spaces; write "
        "caCertContent: | to keep its line breaks",
        span,
        where,
        Fix("Use a literal block (|)", (TextEdit(indicator, "|"),), safe=True),
    )


def _remove_keys_fix(check: Check, node: ScalarNode, keys: list[PemBlock]) -> Fix | None:
    if node.style != "|":
        return None
    # Block scalar content starts on the line after the indicator.
    first_content = check.span(node).start.line + 1
    edits = [
        check.delete_lines(first_content + b.first_line, first_content + b.last_line) for b in keys
    ]
    return Fix("Remove the private key from caCertContent", tuple(edits), safe=True)
