"""``caCertContent`` rules: RM014 (not a certificate), RM015 (quality), RM027 (private key),
and the ``EKSA_REGISTRY_MIRROR_CA`` file that the CLI reads when ``caCertContent`` is empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import cluster

from .conftest import Pems
from .helpers import MIRROR_KEY, E, W, body_span, expect, findings, fixed, one

Expected = list[tuple[str, object, tuple[int, int, int, int]]]


def block(pem: str) -> tuple[str, tuple[int, int, int, int]]:
    """A mirror body with ``pem`` as a literal block, and the span of that block's value."""
    lines = pem.strip("\n").split("\n")
    body = "endpoint: x\ncaCertContent: |\n" + "\n".join("  " + line for line in lines)
    body += '\nport: "443"'
    return body, body_span(1, 15, 2 + len(lines[-1]), end_row=1 + len(lines))


@pytest.mark.parametrize(
    ("which", "expected", "words"),
    [
        pytest.param("good", [], "", id="good-ca"),
        # A root's own signature is never verified (Go, containerd): a SHA-1 CA is accepted.
        pytest.param("sha1", [], "", id="sha1-ca-is-accepted"),
        pytest.param("expired", [("RM015", W)], "expired on 2025-12-31", id="expired"),
        pytest.param("not_yet_valid", [("RM015", W)], "not valid before 2026-01-04",
                     id="not-yet-valid"),
        pytest.param("not_ca", [("RM015", W)], "is not a CA (basicConstraints CA:FALSE)",
                     id="ca-false"),
    ],
)  # fmt: skip
def test_certificate_quality(pems: Pems, which: str, expected: list[tuple[str, object]],
                             words: str) -> None:  # fmt: skip
    body, span = block(getattr(pems, which))
    found = expect(cluster(body), [(code, sev, span) for code, sev in expected])  # type: ignore[misc]
    for finding in found:
        assert words in finding.message
        assert finding.fix is None


def test_two_certificates(pems: Pems) -> None:
    body, span = block(pems.good + pems.other)
    found = expect(cluster(body), [("RM015", W, span)])
    assert "holds 2 certificates" in found[0].message
    assert "first one only" in found[0].message


def test_sha1_second_certificate_only_counts_as_two(pems: Pems) -> None:
    """EKS-A uses only the first PEM block: a second certificate only counts as 'two'."""
    body, span = block(pems.good + pems.sha1)
    found = expect(cluster(body), [("RM015", W, span)])
    assert "holds 2 certificates" in found[0].message
    assert "SHA-1" not in found[0].message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            "invalid registry certificate: failed to parse certificate: "
            "x509: malformed certificate",
            id="garbage-der",
        ),
        pytest.param(
            "-----BEGIN CERTIFICATE-----\n!!not base64!!\n-----END CERTIFICATE-----",
            "invalid registry certificate: failed to parse certificate PEM",
            id="garbage-base64",
        ),
        pytest.param(
            "this is not a certificate",
            "invalid registry certificate: failed to parse certificate PEM",
            id="no-pem",
        ),
    ],
)
def test_not_a_certificate(content: str, message: str) -> None:
    body, span = block(content)
    found = expect(cluster(body), [("RM014", E, span)])
    assert found[0].message == message
    assert found[0].pointer == "/spec/registryMirrorConfiguration/caCertContent"


def test_double_quoted_escaped_certificate_parses(pems: Pems) -> None:
    """EKS-A testdata writes the CA as one double-quoted line with \\n escapes."""
    escaped = pems.good.strip().replace("\n", "\\n")
    expect(cluster(f'endpoint: x\ncaCertContent: "{escaped}"'), [])


def test_folded_block_certificate_is_rm014_with_a_safe_fix(pems: Pems) -> None:
    """A folded block (>) joins the PEM lines with spaces: Go's pem.Decode finds no block."""
    body, span = block(pems.good)
    body = body.replace("caCertContent: |", "caCertContent: >")
    text = cluster(body)
    found = expect(text, [("RM014", E, span)])
    assert found[0].message == (
        "invalid registry certificate: failed to parse certificate PEM: a folded block (>) joins "
        "the certificate's lines with spaces; write caCertContent: | to keep its line breaks"
    )
    fix = found[0].fix
    assert fix is not None and fix.safe and fix.title == "Use a literal block (|)"
    assert fixed(text, fix) == text.replace("caCertContent: >", "caCertContent: |")
    expect(fixed(text, fix), [])


def test_one_line_certificate_is_rm014(pems: Pems) -> None:
    """BEGIN, body and END on one line: not a PEM block for Go."""
    one_line = " ".join(pems.good.strip().split("\n"))
    found = expect(
        cluster(f'endpoint: x\ncaCertContent: "{one_line}"'),
        [("RM014", E, body_span(1, 15, 17 + len(one_line)))],
    )
    assert found[0].message == "invalid registry certificate: failed to parse certificate PEM"


def test_empty_ca_is_fine() -> None:
    expect(cluster('endpoint: x\ncaCertContent: ""'), [])


# --- RM027 ------------------------------------------------------------------------------


@pytest.mark.parametrize("key_first", [False, True], ids=["cert-then-key", "key-then-cert"])
def test_private_key_is_flagged_never_echoed_and_removed(pems: Pems, key_first: bool) -> None:
    content = pems.key + pems.good if key_first else pems.good + pems.key
    body, span = block(content)
    text = cluster(body)
    found = findings(text)
    codes = sorted(f.code for f in found)
    # A key in front: EKS-A decodes only the first block, which is not a certificate.
    assert codes == (["RM014", "RM027"] if key_first else ["RM027"])
    rm027 = one(found, "RM027")
    assert (rm027.span.start.line, rm027.span.start.column) == span[:2]
    assert (rm027.span.end.line, rm027.span.end.column) == span[2:]
    key_lines = [line for line in pems.key.splitlines() if "-----" not in line]
    for finding in found:
        assert all(line not in finding.message for line in key_lines)
        assert "PRIVATE KEY-----" not in finding.message
    assert rm027.fix is not None and rm027.fix.safe
    after = fixed(text, rm027.fix)
    assert after == cluster(block(pems.good)[0])
    assert findings(after) == []


def test_private_key_alone(pems: Pems) -> None:
    body, span = block(pems.key)
    text = cluster(body)
    found = expect(text, [("RM027", E, span)])
    assert found[0].message == (
        "caCertContent contains a private key: only the public CA certificate belongs here; "
        "remove the key and treat it as leaked (it is stored in the cluster spec and on every node)"
    )
    after = fixed(text, found[0].fix)
    assert "PRIVATE KEY" not in after
    assert after == cluster('endpoint: x\ncaCertContent: |\nport: "443"')


def test_private_key_in_quoted_value_has_no_fix(pems: Pems) -> None:
    escaped = (pems.good + pems.key).strip().replace("\n", "\\n")
    text = cluster(f'endpoint: x\ncaCertContent: "{escaped}"')
    found = expect(text, [("RM027", E, body_span(1, 15, 17 + len(escaped)))])
    assert found[0].fix is None


# --- EKSA_REGISTRY_MIRROR_CA ------------------------------------------------------------


def test_env_ca_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.crt"
    env = {"EKSA_REGISTRY_MIRROR_CA": str(missing)}
    found = expect(cluster("endpoint: x"), [("RM014", E, MIRROR_KEY)], check_env=True, env=env)
    assert found[0].message == (
        f"reading the cert file {missing}: open {missing}: no such file or directory "
        "(EKSA_REGISTRY_MIRROR_CA)"
    )
    assert found[0].pointer == "/spec/registryMirrorConfiguration/caCertContent"
    # Without --check-env the environment is not consulted.
    expect(cluster("endpoint: x"), [], env=env)


def test_env_ca_bad_file(tmp_path: Path, pems: Pems) -> None:
    bad = tmp_path / "bad.crt"
    bad.write_text("not a certificate\n")
    env = {"EKSA_REGISTRY_MIRROR_CA": str(bad)}
    found = expect(cluster("endpoint: x"), [("RM014", E, MIRROR_KEY)], check_env=True, env=env)
    assert found[0].message == (
        "invalid registry certificate: failed to parse certificate PEM "
        f"(read from EKSA_REGISTRY_MIRROR_CA={bad})"
    )
    leaf = tmp_path / "leaf.crt"
    leaf.write_text(pems.not_ca)
    env = {"EKSA_REGISTRY_MIRROR_CA": str(leaf)}
    found = expect(cluster("endpoint: x"), [("RM015", W, MIRROR_KEY)], check_env=True, env=env)
    assert found[0].message.endswith(f"(read from EKSA_REGISTRY_MIRROR_CA={leaf})")
    # A SHA-1 CA read from the file is a root like any other: accepted.
    sha1 = tmp_path / "sha1.crt"
    sha1.write_text(pems.sha1)
    env = {"EKSA_REGISTRY_MIRROR_CA": str(sha1)}
    expect(cluster("endpoint: x"), [], check_env=True, env=env)


def test_env_ca_good_file_and_explicit_value_wins(tmp_path: Path, pems: Pems) -> None:
    good = tmp_path / "ca.crt"
    good.write_text(pems.good)
    expect(cluster("endpoint: x"), [], check_env=True, env={"EKSA_REGISTRY_MIRROR_CA": str(good)})
    # An explicit caCertContent wins: the (missing) file is never read.
    body, _ = block(pems.good)
    env = {"EKSA_REGISTRY_MIRROR_CA": str(tmp_path / "missing.crt")}
    expect(cluster(body), [], check_env=True, env=env)


def test_env_ca_with_empty_value_points_at_the_key(tmp_path: Path) -> None:
    env = {"EKSA_REGISTRY_MIRROR_CA": str(tmp_path / "missing.crt")}
    expect(
        cluster('endpoint: x\ncaCertContent: ""'),
        [("RM014", E, body_span(1, 0, 13))],
        check_env=True,
        env=env,
    )
