"""EKS Anywhere's manifests where the user keeps them: a file, the folder ``eksctl anywhere
download artifacts`` writes (``eks-anywhere-downloads/``), or an ``http(s)://`` URL (the
public release manifest by default, or an internal copy of it).

Downloads carry no credentials, follow at most ``MAX_REDIRECTS`` redirects, verify HTTPS
with the system trust store (``SSL_CERT_FILE`` is honoured) and are bounded in time and size.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from dataclasses import dataclass, replace
from pathlib import Path

from eksa_mirror.core.eksa.bundles import (
    Bundles,
    ManifestError,
    VersionsBundle,
    bundle_manifest_url,
    parse_bundles,
    parse_eksd,
)
from eksa_mirror.core.eksa.cluster_images import (
    EksdSource,
    ImageList,
    image_list,
    missing_versions,
)
from eksa_mirror.core.mirror import MirrorConfig, join_host_port
from eksa_mirror.probe import gotls
from eksa_mirror.probe.net import (
    MAX_RESPONSE_BYTES,
    Deadline,
    NetError,
    Response,
    connect,
    https_get,
    request,
)
from eksa_mirror.probe.parse import clean

#: EKS Anywhere's release manifest (``RELEASE_MANIFEST_URL`` of its Makefile).
RELEASE_MANIFEST_URL = "https://anywhere-assets.eks.amazonaws.com/releases/eks-a/manifest.yaml"
#: The bundle manifest in the folder ``eksctl anywhere download artifacts`` writes.
DOWNLOADS_BUNDLE = "bundle-release.yaml"
MAX_REDIRECTS = 5


class AssetError(Exception):
    """A manifest that could not be read; ``str()`` says where and why, in one line."""


def is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


@dataclass(frozen=True)
class Asset:
    """A manifest's text and where it was read from."""

    text: str
    source: str


def read(location: str, deadline: Deadline, base: Path | None = None) -> Asset:
    """The text at ``location`` (a URL, or a path relative to ``base``)."""
    if is_url(location):
        return Asset(_decode(download(location, deadline), location), location)
    path = Path(location)
    if base is not None and not path.is_absolute():
        path = base / path
    return Asset(_decode(read_file(path), str(path)), str(path))


def read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_RESPONSE_BYTES + 1)
    except OSError as exc:
        raise AssetError(f"cannot read {path}: {exc.strerror or type(exc).__name__}") from None
    if len(data) > MAX_RESPONSE_BYTES:
        raise AssetError(f"{path} is larger than {MAX_RESPONSE_BYTES} bytes")
    return data


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise AssetError(f"{clean(where)} is not UTF-8 text") from None


def download(url: str, deadline: Deadline) -> bytes:
    """``GET url`` (following redirects); raises ``AssetError``."""
    for _ in range(MAX_REDIRECTS + 1):
        try:
            response = _get(url, deadline)
        except NetError as exc:
            raise AssetError(f"cannot download {clean(url)}: {exc.detail}") from None
        location = response.header("Location")
        if response.status in (301, 302, 303, 307, 308) and location:
            url = urllib.parse.urljoin(url, location)
            continue
        if response.status != 200:
            reason = f"HTTP {response.status} {clean(response.reason, 60)}".rstrip()
            raise AssetError(f"cannot download {clean(url)}: {reason}")
        return response.body
    raise AssetError(f"cannot download {clean(url)}: more than {MAX_REDIRECTS} redirects")


def _get(url: str, deadline: Deadline) -> Response:
    try:
        parts = urllib.parse.urlsplit(url)
        secure = parts.scheme.lower() == "https"
        port = parts.port or (443 if secure else 80)
    except ValueError:
        raise NetError("http", "not a valid URL") from None
    host = parts.hostname or ""
    if not host or parts.scheme.lower() not in ("http", "https"):
        raise NetError("http", "not an http:// or https:// URL")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if secure:
        return https_get(host, port, gotls.verifying_context(""), path, deadline)
    sock = connect(host, port, deadline.budget())
    try:
        return request(sock, join_host_port(host, port), path, deadline.budget())
    finally:
        sock.close()


def eksd_candidates(location: str, kube_version: str, folder: Path | None) -> list[Path]:
    """Where a downloads folder may hold the EKS-D manifest ``location`` (first match wins).

    ``download artifacts`` saves it as ``<folder>/<kubeVersion>/eks-distro/<file name>`` and
    writes that path, relative to where it ran, into ``bundle-release.yaml``.
    """
    name = posixpath.basename(
        urllib.parse.urlsplit(location).path if is_url(location) else location
    )
    found: list[Path] = []
    if folder is not None and name:
        found.append(folder / kube_version / "eks-distro" / name)
    if not is_url(location):
        path = Path(location)
        found.append(path)
        if folder is not None and not path.is_absolute():
            found.append(folder.parent / path)
    return found


@dataclass(frozen=True)
class BundleRequest:
    """Where the bundle manifest comes from: ``--bundle``, else the release manifest."""

    #: A bundle manifest file or a downloads folder ("": from the release manifest).
    bundle: str = ""
    #: The EKS-A release whose bundle the release manifest names (``vX.Y.Z``).
    eksa_version: str = ""
    release_manifest: str = RELEASE_MANIFEST_URL


def load_images(cfg: MirrorConfig, wanted: BundleRequest, deadline: Deadline) -> ImageList:
    """The cluster's references from the bundle ``wanted`` names, with the EKS-D images of
    each Kubernetes version (a manifest that cannot be read is named in the list, not an
    error); raises ``AssetError`` when the bundle itself cannot be read or lacks a version."""
    bundles, source, folder = load_bundles(wanted, deadline)
    absent = missing_versions(bundles, cfg.kubernetes_versions)
    if absent:
        known = ", ".join(v.kube_version for v in bundles.versions)
        raise AssetError(
            f"Kubernetes {', '.join(absent) or '(none)'} of the Cluster is not in the bundle"
            f" {source} (it has {known})"
        )
    eksd = {
        version.kube_version: _eksd(version, folder, deadline)
        for version in bundles.for_versions(cfg.kubernetes_versions)
    }
    return replace(image_list(cfg, bundles, eksd), source=source)


def load_bundles(wanted: BundleRequest, deadline: Deadline) -> tuple[Bundles, str, Path | None]:
    """The bundle manifest, where it was read from, and its downloads folder (if any)."""
    folder: Path | None = None
    if wanted.bundle:
        path = Path(wanted.bundle)
        if path.is_dir():
            folder, path = path, path / DOWNLOADS_BUNDLE
        else:
            folder = path.parent
        asset = read(str(path), deadline)
    else:
        if not wanted.eksa_version:
            raise AssetError(
                "which EKS Anywhere release? set spec.eksaVersion, or give --eksa-version or"
                " --bundle"
            )
        release = read(wanted.release_manifest, deadline)
        try:
            url = bundle_manifest_url(release.text, wanted.eksa_version)
        except ManifestError as exc:
            raise AssetError(f"{clean(release.source)}: {exc}") from None
        asset = read(url, deadline)
    try:
        return parse_bundles(asset.text), asset.source, folder
    except ManifestError as exc:
        raise AssetError(f"{clean(asset.source)}: {exc}") from None


def _eksd(version: VersionsBundle, folder: Path | None, deadline: Deadline) -> EksdSource:
    location = version.eksd_manifest
    kube = version.kube_version
    if not location:
        return EksdSource(kube, "", error="the bundle names no EKS-D release manifest")
    local = next((p for p in eksd_candidates(location, kube, folder) if p.is_file()), None)
    try:
        if local is not None:
            asset = Asset(_decode(read_file(local), str(local)), str(local))
        elif is_url(location):
            asset = Asset(_decode(download(location, deadline), location), location)
        else:
            return EksdSource(kube, location, error=f"{clean(location)} not found")
        return EksdSource(kube, asset.source, parse_eksd(asset.text))
    except AssetError as exc:
        return EksdSource(kube, location, error=str(exc))
    except ManifestError as exc:
        return EksdSource(kube, location, error=f"{clean(location)}: {exc}")
