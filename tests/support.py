"""What many test files share: the repository's folders, Cluster specs (the head of one, and
``cluster(body)``: a whole Cluster with its datacenter and machine configs around a mirror
block), the cursor mark of editor tests (``take_cursor``), the command run in a clean
environment (``run_cli``) and the one test certificate factory (``issue``).

Import it as ``support`` (``tests/`` is on ``sys.path`` through the root ``conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

REPO = Path(__file__).resolve().parents[1]
TESTS = REPO / "tests"
DATA = TESTS / "data"
EXAMPLES = REPO / "examples"
DOCS = REPO / "docs"
#: The folder beside the repository that holds the EKS-A corpus (absent outside the workspace).
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "eksa-testdata"
SPECS = DATA / "specs"
MIRROR_SCHEMA = REPO / "schema" / "registry-mirror-configuration.schema.json"


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120, prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    """``eksa-mirror ARGS`` in a new Python process, in a clean environment (no ``EKSA_*`` or
    ``REGISTRY_*`` variables of the caller's) plus ``env``, with UTF-8 output. ``prelude``:
    Python code run in that process before the command (e.g. to inject a failure)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EKSA_", "REGISTRY_"))}
    clean.update(env or {}, PYTHONIOENCODING="utf-8")
    command = ["-m", "eksa_mirror", *args]
    if prelude:
        main = f"from eksa_mirror.cli.main import main\nraise SystemExit(main({list(args)!r}))"
        command = ["-c", f"{prelude}\n{main}"]
    return subprocess.run(
        [sys.executable, *command],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=clean,
        timeout=timeout,
    )


def schema_docs(*path: str) -> str:
    """A field's markdownDescription, read straight from the published mirror schema."""
    node: dict[str, Any] = json.loads(MIRROR_SCHEMA.read_text(encoding="utf-8"))
    for key in path:
        if node.get("type") == "array":
            node = node["items"]
        node = node["properties"][key]
    return str(node["markdownDescription"])


# --- Cluster specs -------------------------------------------------------------------------

#: The smallest Cluster document, up to its ``spec:`` key.
CLUSTER_HEAD = """\
apiVersion: anywhere.eks.amazonaws.com/v1alpha1
kind: Cluster
metadata:
  name: demo
spec:
"""
#: ``CLUSTER_HEAD`` opening ``registryMirrorConfiguration``: the mirror's keys follow at
#: four spaces, from line 7 (1-based).
MIRROR_HEAD = CLUSTER_HEAD + "  registryMirrorConfiguration:\n"

#: The registry mirror example of the EKS Anywhere documentation pasted as it is there, its
#: ``...`` lines and ``<placeholders>`` included (what a user starts from).
DOCS_PASTE = """\
apiVersion: anywhere.eks.amazonaws.com/v1alpha1
kind: Cluster
metadata:
  name: my-cluster-name
spec:
  ...
  registryMirrorConfiguration:
    endpoint: https://registry.example.com:5000
    port: <private registry port>
    ociNamespaces:
      - registry: <upstream registry IP or hostname>
        namespace: <namespace in private registry>
      ...
    caCertContent: |
      -----BEGIN CERTIFICATE-----
      MIIF1DCCA...
      ...
      es6RXmsCj...
      -----END CERTIFICATE-----
"""

PROVIDERS = {
    "vsphere": ("VSphereDatacenterConfig", "VSphereMachineConfig"),
    "tinkerbell": ("TinkerbellDatacenterConfig", "TinkerbellMachineConfig"),
    "snow": ("SnowDatacenterConfig", "SnowMachineConfig"),
    "nutanix": ("NutanixDatacenterConfig", "NutanixMachineConfig"),
    "cloudstack": ("CloudStackDatacenterConfig", "CloudStackMachineConfig"),
    "docker": ("DockerDatacenterConfig", ""),
}

_HEADER = """\
apiVersion: anywhere.eks.amazonaws.com/v1alpha1
kind: Cluster
metadata:
  name: demo
spec:
  datacenterRef:
    kind: {dc}
    name: dc
  controlPlaneConfiguration:
    machineGroupRef:
      kind: {machine}
      name: cp
  workerNodeGroupConfigurations:
    - name: md-0
      machineGroupRef:
        kind: {machine}
        name: md
  registryMirrorConfiguration:
"""

_DOC = """\
---
apiVersion: anywhere.eks.amazonaws.com/v1alpha1
kind: {kind}
metadata:
  name: {name}
spec:
{spec}"""


def indent(text: str, by: int) -> str:
    pad = " " * by
    return "".join(pad + line + "\n" if line else "\n" for line in text.split("\n"))


def cluster(
    body: str,
    *,
    provider: str = "vsphere",
    cp: str | None = "ubuntu",
    md: str | None = "ubuntu",
    datacenter: str | None = None,
) -> str:
    """A Cluster with ``body`` as its mirror section, plus datacenter and machine configs.

    ``cp``/``md``: the ``osFamily`` of the control-plane and worker machine configs (``None``
    leaves the key out). ``datacenter``: the datacenter's spec lines (Tinkerbell's default has
    ``hookImagesURLPath`` and ``osImageURL`` so that RM022 stays quiet).
    """
    dc_kind, machine_kind = PROVIDERS[provider]
    text = _HEADER.format(dc=dc_kind, machine=machine_kind) + indent(body, 4)
    if datacenter is None:
        datacenter = (
            "tinkerbellIP: 10.0.0.9\nhookImagesURLPath: http://10.0.0.8/hook\n"
            "osImageURL: http://10.0.0.8/ubuntu.gz"
            if provider == "tinkerbell"
            else "datacenter: dc1"
        )
    text += _DOC.format(kind=dc_kind, name="dc", spec=indent(datacenter, 2))
    if machine_kind:
        for name, family in (("cp", cp), ("md", md)):
            spec = "numCPUs: 2" if family is None else f"osFamily: {family}"
            text += _DOC.format(kind=machine_kind, name=name, spec=indent(spec, 2))
    return text


# --- editor positions ----------------------------------------------------------------------


def take_cursor(text: str) -> tuple[list[str], int, int]:
    """``text`` with its cursor mark ``§`` taken out: (lines, 0-based line, column)."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if "§" in line:
            lines[index] = line.replace("§", "")
            return lines, index, line.index("§")
    raise AssertionError("no cursor")


# --- certificates --------------------------------------------------------------------------

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
#: Validity of "good" certificates: yesterday to ten years from now.
GOOD_FROM = _NOW - dt.timedelta(days=1)
GOOD_UNTIL = _NOW + dt.timedelta(days=3650)
#: Validity of the expired certificate: fixed dates so messages are exact.
EXPIRED_FROM = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
EXPIRED_UNTIL = dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class Cert:
    """A certificate with its key, and their PEM encodings."""

    cert: x509.Certificate
    key: PrivateKey

    @property
    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def key_pem(self) -> str:
        """The key as PKCS#8 (``BEGIN PRIVATE KEY``)."""
        return self._key(serialization.PrivateFormat.PKCS8)

    @property
    def traditional_key_pem(self) -> str:
        """The key in OpenSSL's traditional form (``BEGIN EC PRIVATE KEY`` / ``RSA``)."""
        return self._key(serialization.PrivateFormat.TraditionalOpenSSL)

    def _key(self, form: serialization.PrivateFormat) -> str:
        encoding = serialization.Encoding.PEM
        return self.key.private_bytes(encoding, form, serialization.NoEncryption()).decode()

    def write(self, directory: Path, stem: str) -> tuple[Path, Path]:
        """Write ``<stem>.crt`` and ``<stem>.key``; return their paths."""
        crt, key = directory / f"{stem}.crt", directory / f"{stem}.key"
        crt.write_text(self.pem)
        key.write_text(self.key_pem)
        return crt, key


def new_key(kind: str = "rsa2048") -> PrivateKey:
    """``rsa<bits>`` (any size, even below 1024) or ``p256``."""
    if kind == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    bits = int(kind[3:])
    if bits < 1024:  # cryptography refuses to generate these; the openssl command does not
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.fail("openssl not found: apt-get install -y openssl", pytrace=False)
        pem = subprocess.run([openssl, "genrsa", str(bits)], check=True, capture_output=True).stdout
        key = serialization.load_pem_private_key(pem, None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _usage(ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _common_name(cn: str) -> x509.NameAttribute:
    return x509.NameAttribute(NameOID.COMMON_NAME, cn)


def _names(dns: tuple[str, ...], ips: tuple[str, ...]) -> list[x509.GeneralName]:
    names: list[x509.GeneralName] = [x509.DNSName(n) for n in dns]
    return names + [x509.IPAddress(ipaddress.ip_address(ip)) for ip in ips]


def issue(
    cn: str | x509.Name,
    issuer: Cert | None = None,
    *,
    ca: bool = False,
    key: str = "rsa2048",
    ips: tuple[str, ...] = (),
    dns: tuple[str, ...] = (),
    not_before: dt.datetime = GOOD_FROM,
    not_after: dt.datetime = GOOD_UNTIL,
    sha1: bool = False,
    eku: tuple[x509.ObjectIdentifier, ...] | None = None,
    basic_constraints: bool = True,
) -> Cert:
    """A certificate for ``cn`` (a common name or a whole subject) issued by ``issuer``
    (``None``: self-signed).

    A leaf gets serverAuth unless ``eku`` says otherwise; ``sha1`` signs with
    sha1WithRSAEncryption (an RSA signer), which ``cryptography`` refuses to build.
    """
    private = new_key(key)
    subject = cn if isinstance(cn, x509.Name) else x509.Name([_common_name(cn)])
    signer = issuer.key if issuer else private
    public = private.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(_usage(ca), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if basic_constraints:
        builder = builder.add_extension(x509.BasicConstraints(ca, None), critical=True)
    if issuer is not None:
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())
        builder = builder.add_extension(aki, critical=False)
    if names := _names(dns, ips):
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if eku is None and not ca:
        eku = (ExtendedKeyUsageOID.SERVER_AUTH,)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    cert = builder.sign(signer, hashes.SHA256())
    if sha1:
        assert isinstance(signer, rsa.RSAPrivateKey)
        cert = resign_sha1(cert, signer)
    return Cert(cert, private)


# DER of the AlgorithmIdentifier OIDs: sha256WithRSAEncryption / sha1WithRSAEncryption.
_SHA256_RSA = bytes.fromhex("06092a864886f70d01010b")
_SHA1_RSA = bytes.fromhex("06092a864886f70d010105")


def _der_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def resign_sha1(cert: x509.Certificate, ca_key: rsa.RSAPrivateKey) -> x509.Certificate:
    """The same certificate signed with sha1WithRSAEncryption.

    ``cryptography`` refuses to build SHA-1 certificates, but still signs bytes with
    SHA-1: swap the algorithm OID in the TBS (same length), sign it, re-assemble the DER.
    """
    tbs = cert.tbs_certificate_bytes
    assert tbs.count(_SHA256_RSA) == 1
    tbs = tbs.replace(_SHA256_RSA, _SHA1_RSA)
    signature = ca_key.sign(tbs, padding.PKCS1v15(), hashes.SHA1())
    algorithm = _der(0x30, _SHA1_RSA + b"\x05\x00")
    der = _der(0x30, tbs + algorithm + _der(0x03, b"\x00" + signature))
    return x509.load_der_x509_certificate(der)
