"""The "Check images" code lens and ``eksaMirror.checkImages``: ``check --images`` from the
editor, with the bundle of the ``eksaMirror.imagesBundle`` setting.

It runs in a worker thread; the registry's failed steps and a summary per kind of image
finding (missing, without a platform, pulled from the internet, not checked) become
diagnostics (source ``eksa-mirror-check``) on the mirror section, as "Check registry" does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from eksa_mirror.core.uris import uri_to_path
from eksa_mirror.lsp import registry_lens
from eksa_mirror.lsp.registry_lens import CHECK_IMAGES_COMMAND, Finding
from eksa_mirror.lsp.state import EksaMirrorServer

if TYPE_CHECKING:
    from eksa_mirror.core.mirror import MirrorConfig
    from eksa_mirror.probe.images_report import ImagesReport, ImageStatus
    from eksa_mirror.probe.report import CheckReport

#: A diagnostic names this many references, then says how many more.
SHOWN = 3
_ERROR = types.DiagnosticSeverity.Error
_INFO = types.DiagnosticSeverity.Information


def bundle_path(ls: EksaMirrorServer, uri: str) -> str:
    """The setting's path, a relative one taken from the document's workspace folder (else
    the document's folder); "" when the setting is empty."""
    setting = ls.settings.images_bundle
    if not setting or Path(setting).is_absolute():
        return setting
    local = uri_to_path(uri)
    if local is None:  # no local file: a relative path has no folder to start from
        return setting
    document = Path(local)
    for folder in ls.workspace.folders.values():
        root = uri_to_path(folder.uri)
        if root is not None and document.is_relative_to(root):
            return str(root / setting)
    return str(document.parent / setting)


def run_images(cfg: MirrorConfig, bundle: str, withhold: str = "") -> CheckReport | str:
    """``check --images`` with ``bundle``: the report, or why the bundle could not be read.
    ``withhold``: why the credentials are not sent (``lsp.credentials``)."""
    from eksa_mirror.probe import assets
    from eksa_mirror.probe.check import run_check
    from eksa_mirror.probe.images_report import ImagePlan
    from eksa_mirror.probe.net import Deadline

    wanted = assets.BundleRequest(bundle, cfg.eksa_version)
    try:
        images = assets.load_images(cfg, wanted, Deadline(30.0, 120.0))
    except assets.AssetError as exc:
        return f"cannot check images: {exc}"
    plan = ImagePlan(images)
    return run_check(cfg, deadline=300.0, page_size=1000, images=plan, withhold=withhold)


def _names(refs: list[str]) -> str:
    more = f" and {len(refs) - SHOWN} more" if len(refs) > SHOWN else ""
    return ", ".join(refs[:SHOWN]) + more


def image_findings(images: ImagesReport) -> list[Finding]:
    """One finding per kind of problem (the first references named), or one that says all
    is there."""
    from eksa_mirror.probe.images_report import ImageStatus

    total = len(images.results)
    found: list[Finding] = [
        ("mirror", _ERROR, f"EKS-D images of Kubernetes {s.kube_version} not checked: {s.error}",
         "images/eksd-not-read")
        for s in images.unread_eksd
    ]  # fmt: skip
    missing = _refs(images, ImageStatus.MISSING)
    if missing:
        commands = [g.command for g in images.groups if g.command]
        fix = f"; import them: {commands[0]}" if commands else ""
        if images.projects_to_create:
            fix += f"; create the projects {', '.join(images.projects_to_create)} first"
        message = f"{len(missing)} of {total} images and charts missing in the mirror: "
        found.append(("mirror", _ERROR, message + _names(missing) + fix, "images/missing"))
    found += _other_findings(images)
    if not images.failed and not _refs(images, ImageStatus.DIGEST_DIFFERS):
        message = f"all {total} images and charts are in the mirror"
        found.append(("mirror", _INFO, message, "images"))
    return found


def _refs(images: ImagesReport, status: ImageStatus) -> list[str]:
    return [r.reference.mirror or r.reference.image for r in images.results if r.status is status]


def _other_findings(images: ImagesReport) -> list[Finding]:
    """No platform, unmapped, not checked (errors) and another digest (information)."""
    from eksa_mirror.probe.images_report import ImageStatus

    found: list[Finding] = []
    for status, key, words in (
        (ImageStatus.NO_PLATFORM, "mirror", "without a platform the nodes need"),
        (ImageStatus.UNMAPPED, "ociNamespaces", "pulled from the internet (registry not mapped)"),
        (ImageStatus.ERROR, "mirror", "not checked"),
        (ImageStatus.DIGEST_DIFFERS, "mirror", "present with another digest than the bundle's"),
    ):
        names = _refs(images, status)
        if names:
            first = next(r.message for r in images.results if r.status is status)
            severity = _INFO if status is ImageStatus.DIGEST_DIFFERS else _ERROR
            message = f"{len(names)} {words}: {_names(names)} ({first})"
            found.append((key, severity, message, f"images/{status.value}"))
    return found


async def check_images(ls: EksaMirrorServer, uri: str, document: int = 0) -> dict[str, Any]:
    """Check the images of the Cluster in ``document``; the result as diagnostics."""
    found = registry_lens.cluster_at(ls, uri, document)
    if isinstance(found, dict):
        return found
    model, cfg, lines = found
    bundle = bundle_path(ls, uri)
    if not bundle:
        return {"verdict": "error", "message": "set eksaMirror.imagesBundle first"}
    decision = await registry_lens.credentials_for(ls, cfg, uri)
    if decision is None:
        return {"verdict": "cancelled"}
    result = await asyncio.to_thread(run_images, cfg, bundle, decision.withheld)
    if isinstance(result, str):
        findings: list[Finding] = [("mirror", _ERROR, result, "images/bundle")]
        failed = True
    else:
        findings = registry_lens.step_findings(result, skip=("images",))
        if result.images is not None:
            findings += image_findings(result.images)
        failed = not result.ok
    diagnostics = registry_lens.place(model, lines, findings)
    registry_lens.show(ls, uri, diagnostics)
    problems = sum(1 for d in diagnostics if d.severity == _ERROR)
    return {"verdict": "fail" if failed else "ok", "problems": problems}


def register(server: EksaMirrorServer) -> None:
    """Add ``eksaMirror.checkImages`` to ``server`` (called by ``lsp.server``)."""
    server.command(CHECK_IMAGES_COMMAND)(check_images)
