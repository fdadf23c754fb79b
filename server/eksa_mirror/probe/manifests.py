"""What a registry's manifest answer says: index or image, its platforms, its config blob.

Image references are checked against the OCI distribution grammar before any request, and
every answer is untrusted: ``parse_manifest`` and ``config_platform`` return the expected
shape or raise ``Broken`` (``tests/probe/test_manifests.py`` fuzzes them).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass

from eksa_mirror.probe.parse import Broken, clean

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
SCHEMA1 = (
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
    "application/vnd.docker.distribution.manifest.v1+json",
)
HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json"
#: containerd's Accept header when it resolves a reference (remotes/docker/resolver.go).
ACCEPT = f"{DOCKER_MANIFEST}, {DOCKER_LIST}, {OCI_MANIFEST}, {OCI_INDEX}, */*"
#: Manifests and config blobs larger than this are refused (distribution caps at 4 MiB).
MAX_MANIFEST = 4 * 1024 * 1024
#: Bodies larger than this are decoded one at a time, so that memory stays bounded
#: whatever many workers receive at once.
_BIG = 256 * 1024
_BIG_LOCK = threading.Lock()

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
DIGEST = re.compile(r"sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}")


@dataclass(frozen=True)
class Manifest:
    """The facts ``check --images`` needs from a manifest or an index."""

    media_type: str
    #: ``index``, ``image``, ``schema1`` or ``unknown``.
    kind: str
    #: ``os/architecture`` of each entry of an index (or of a schema 1 manifest).
    platforms: tuple[str, ...] = ()
    config_digest: str = ""
    config_media_type: str = ""

    @property
    def is_chart(self) -> bool:
        return self.config_media_type == HELM_CONFIG


def split_reference(path: str) -> tuple[str, str]:
    """``repo/name:tag`` or ``repo/name@sha256:…`` (without the host) → repository and the
    tag or digest (``latest`` when there is neither); raises ``Broken`` when containerd
    would refuse the reference."""
    if "@" in path:
        repository, _, reference = path.partition("@")
        valid = DIGEST.fullmatch(reference) is not None
    else:
        repository, colon, reference = path.rpartition(":")
        if not colon or "/" in reference:
            repository, reference = path, "latest"
        valid = _TAG.fullmatch(reference) is not None
    if not valid or _REPOSITORY.fullmatch(repository) is None or len(repository) > 255:
        raise Broken(f"{clean(path)} is not a valid image reference")
    return repository, reference


def _json(body: bytes, what: str) -> object:
    try:
        if len(body) <= _BIG:
            return json.loads(body)
        with _BIG_LOCK:
            return json.loads(body)
    except RecursionError:
        raise Broken(f"{what} is JSON nested too deeply") from None
    except ValueError:
        raise Broken(f"{what} is not JSON") from None


def _string(data: dict[str, object], key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _platform(entry: object) -> str:
    platform = entry.get("platform") if isinstance(entry, dict) else None
    if not isinstance(platform, dict):
        return ""
    os_name, arch = _string(platform, "os"), _string(platform, "architecture")
    return f"{clean(os_name, 40)}/{clean(arch, 40)}" if os_name or arch else ""


def parse_manifest(body: bytes, content_type: str) -> Manifest:
    """The manifest's kind (from its ``mediaType``, else the ``Content-Type``), the
    platforms of an index, the config blob of an image; raises ``Broken``."""
    data = _json(body, "the manifest")
    if not isinstance(data, dict):
        raise Broken("the manifest is not a JSON object")
    header = content_type.partition(";")[0].strip().lower()
    media_type = _string(data, "mediaType") or header
    if media_type in (OCI_INDEX, DOCKER_LIST) or (not media_type and "manifests" in data):
        entries = data.get("manifests")
        if not isinstance(entries, list):
            raise Broken('the index has no "manifests" list')
        platforms = tuple(p for p in map(_platform, entries) if p)
        return Manifest(media_type or OCI_INDEX, "index", platforms)
    if media_type in SCHEMA1 or data.get("schemaVersion") == 1:
        arch = _string(data, "architecture")
        return Manifest(media_type, "schema1", (f"linux/{clean(arch, 40)}",) if arch else ())
    config = data.get("config")
    if media_type in (OCI_MANIFEST, DOCKER_MANIFEST) or isinstance(config, dict):
        if not isinstance(config, dict):
            raise Broken('the image manifest has no "config"')
        digest = _string(config, "digest")
        if DIGEST.fullmatch(digest) is None:
            raise Broken("the image manifest's config digest is not a sha256 or sha512 digest")
        return Manifest(
            media_type or OCI_MANIFEST, "image", (), digest, _string(config, "mediaType")
        )
    return Manifest(clean(media_type, 80), "unknown")


def config_platform(body: bytes) -> str:
    """``os/architecture`` of an image config blob ("" when it names neither)."""
    data = _json(body, "the image config")
    if not isinstance(data, dict):
        raise Broken("the image config is not a JSON object")
    return _platform({"platform": data})
