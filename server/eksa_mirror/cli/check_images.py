"""``eksa-mirror check SPEC --images``: will the cluster find every image it needs?

Reads the bundle (``--bundle FILE|DIR``, else the release manifest of the EKS-A version),
lists the cluster's references rewritten through the mirror (``--list``: printed, nothing
contacted), or asks the mirror for each one (``probe.run_check`` with an ``ImagePlan``).
A progress bar goes to stderr when it is a terminal. docs/check.md says the rest.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TYPE_CHECKING

from eksa_mirror.cli.common import CliError, can_encode

if TYPE_CHECKING:
    from eksa_mirror.core.eksa.cluster_images import ImageList
    from eksa_mirror.core.mirror import MirrorConfig

#: The options that only mean something with ``--images``.
IMAGE_OPTIONS = ("list", "bundle", "release_manifest", "arch", "concurrency")
ARCHES = ("amd64", "arm64")
#: ``--deadline`` default with ``--images`` (the manifests' downloads included).
IMAGES_DEADLINE = 300.0


def _arches(text: str) -> tuple[str, ...]:
    found = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    wrong = [arch for arch in found if arch not in ARCHES]
    if wrong or not found:
        raise argparse.ArgumentTypeError(f"expected amd64 and/or arm64, got {text!r}")
    return found


def _concurrency(text: str) -> int:
    from eksa_mirror.probe.images_step import MAX_CONCURRENCY

    if not text.isdigit() or not 1 <= int(text) <= MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"expected a number from 1 to {MAX_CONCURRENCY}")
    return int(text)


def add_arguments(check: argparse.ArgumentParser) -> None:
    """The ``--images`` options of ``check``."""
    group = check.add_argument_group("images (check --images)")
    add = group.add_argument
    add("--images", action="store_true",
        help="ask the mirror for every image and chart the cluster pulls")  # fmt: skip
    add("--bundle", metavar="FILE|DIR",
        help="the bundle manifest (bundle-release.yaml) or the folder of eksctl anywhere"
        " download artifacts (default: the release manifest's bundle for the EKS-A"
        " version)")  # fmt: skip
    add("--release-manifest", metavar="URL",
        help="where the release manifest is (default: EKS Anywhere's own URL)")  # fmt: skip
    add("--list", action="store_true",
        help="print the references rewritten through the mirror, one per line (--format"
        " json: objects); contacts no registry")  # fmt: skip
    add("--arch", type=_arches, default=("amd64",), metavar="ARCH[,ARCH]",
        help="architectures of the nodes (default: amd64); an image needs each one its"
        " bundle entry lists")  # fmt: skip
    add("--concurrency", type=_concurrency, default=None, metavar="N",
        help="requests in flight at once (default: 8)")  # fmt: skip


def usage_problem(args: argparse.Namespace) -> str:
    """A one-line usage error for image options given without ``--images`` ("" if none)."""
    if args.images:
        if args.list and args.format in ("sarif", "github"):
            return "--list prints text or json"
        return ""
    given = [name for name in IMAGE_OPTIONS if getattr(args, name) not in (None, False, ("amd64",))]
    if given:
        option = "--" + given[0].replace("_", "-")
        return f"{option} needs --images"
    return ""


def load(args: argparse.Namespace, cfg: MirrorConfig, deadline: float) -> ImageList:
    """The cluster's references (raises ``CliError`` when the bundle cannot be read)."""
    from eksa_mirror.probe import assets
    from eksa_mirror.probe.net import Deadline

    version = cfg.eksa_version.strip()  # the spec's, else --eksa-version's (``check``)
    if version and not version.startswith("v"):
        version = "v" + version
    release = args.release_manifest or assets.RELEASE_MANIFEST_URL
    wanted = assets.BundleRequest(args.bundle or "", version, release)
    try:
        return assets.load_images(cfg, wanted, Deadline(max(args.timeout, 30.0), deadline))
    except assets.AssetError as exc:
        raise CliError(str(exc)) from None


def print_list(images: ImageList, fmt: str) -> int:
    """``--list``: the mirror references (stdout); unmapped and unread ones said on stderr."""
    needed = images.needed
    if fmt == "json":
        rows = [{"image": r.image, "mirror": r.mirror, "kind": r.kind, "mapped": r.mapped,
                 "digest": r.digest, "arch": list(r.arch),
                 "kubernetes_versions": list(r.kube_versions)} for r in needed]  # fmt: skip
        print(json.dumps(rows, indent=2, ensure_ascii=not can_encode("→")))
    else:
        sys.stdout.write("".join(f"{r.mirror}\n" for r in needed if r.mapped and r.mirror))
    unmapped = [r.image for r in needed if not r.mapped]
    if unmapped:
        print(f"eksa-mirror check: {len(unmapped)} references are not mapped by the mirror"
              f" (the nodes pull them from the internet): {', '.join(unmapped[:3])}"
              + (" …" if len(unmapped) > 3 else ""), file=sys.stderr)  # fmt: skip
    for source in images.unread_eksd:
        print(f"eksa-mirror check: EKS-D images of Kubernetes {source.kube_version} not listed:"
              f" {source.error}", file=sys.stderr)  # fmt: skip
    return 0


class Progress:
    """``checking images 523/1000`` redrawn on a terminal's stderr, at most 10 times a
    second; nothing when stderr is not a terminal (CI)."""

    def __init__(self) -> None:
        self.shown = sys.stderr.isatty()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if not self.shown or (now - self._last < 0.1 and done < total):
            return
        self._last = now
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "." * (width - filled)
        sys.stderr.write(f"\rchecking images [{bar}] {done}/{total}")
        sys.stderr.flush()

    def end(self) -> None:
        if self.shown and self._last:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()
