"""``eksa-mirror check --images`` as a command: usage errors (exit 2, one line), and the
SARIF and GitHub reporters placed on the spec's mirror keys. (The live check against real
registries: ``tests/e2e/test_check_images*.py``.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bundle_support as bs
from eksa_mirror.cli.check_formats import FORMATTERS
from eksa_mirror.core.eksa.cluster_images import Reference
from eksa_mirror.probe.images_report import ImageResult, ImagesReport, ImageStatus, MissingGroup
from eksa_mirror.probe.report import CheckReport, CheckStep, Status
from support import run_cli

SPEC = """\
apiVersion: anywhere.eks.amazonaws.com/v1alpha1
kind: Cluster
metadata:
  name: c
spec:
  kubernetesVersion: "1.31"
  registryMirrorConfiguration:
    endpoint: 10.0.0.5
    ociNamespaces:
      - registry: docker.io
        namespace: hub
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "cluster.yaml"
    path.write_text(SPEC)
    (tmp_path / "bundle.yaml").write_text(bs.bundle_yaml(("1.30",)))
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--list"], "eksa-mirror check: --list needs --images\n"),
        (["--bundle", "x"], "eksa-mirror check: --bundle needs --images\n"),
        (["--concurrency", "4"], "eksa-mirror check: --concurrency needs --images\n"),
        (["--images", "--list", "--format", "sarif"],
         "eksa-mirror check: --list prints text or json\n"),
        (["--images", "--list"],
         "eksa-mirror check: which EKS Anywhere release? set spec.eksaVersion, or give"
         " --eksa-version or --bundle\n"),
        (["--images", "--list", "--bundle", "{dir}/nowhere"],
         "eksa-mirror check: cannot read {dir}/nowhere: No such file or directory\n"),
        (["--images", "--list", "--bundle", "{dir}/cluster.yaml"],
         "eksa-mirror check: {dir}/cluster.yaml: the bundle manifest is a Cluster manifest, not"
         " Bundles\n"),
        (["--images", "--list", "--bundle", "{dir}/bundle.yaml"],
         "eksa-mirror check: Kubernetes 1.31 of the Cluster is not in the bundle"
         " {dir}/bundle.yaml (it has 1.30)\n"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2_with_one_line(spec: Path, args: list[str], message: str) -> None:
    folder = str(spec.parent)
    result = run_cli("check", str(spec), *(a.replace("{dir}", folder) for a in args))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == message.replace("{dir}", folder)


@pytest.mark.parametrize(
    ("option", "value", "error"),
    [
        ("--arch", "mips", "argument --arch: expected amd64 and/or arm64, got 'mips'"),
        ("--concurrency", "0", "argument --concurrency: expected a number from 1 to 64"),
    ],
)
def test_bad_option_values(spec: Path, option: str, value: str, error: str) -> None:
    result = run_cli("check", str(spec), "--images", option, value)
    assert result.returncode == 2
    assert result.stderr.endswith(f"error: {error}\n")


COMMAND = "eksctl anywhere import images -i images.tar -r 10.0.0.5:443 --bundles b"


def report() -> CheckReport:
    def result(image: str, mirror: str, status: ImageStatus, message: str = "") -> ImageResult:
        return ImageResult(Reference(image, mirror, mirror != image), status, message)

    results = (
        result("public.ecr.aws/a/b:1", "10.0.0.5:443/a/b:1", ImageStatus.MISSING,
               "not in the mirror (HTTP 404 Not Found)"),
        result("quay.io/x:1", "quay.io/x:1", ImageStatus.UNMAPPED, "unmapped"),
        result("public.ecr.aws/c:1", "10.0.0.5:443/c:1", ImageStatus.DIGEST_DIFFERS,
               "another digest"),
        result("public.ecr.aws/d:1", "10.0.0.5:443/d:1", ImageStatus.PRESENT),
    )  # fmt: skip
    group = MissingGroup("public.ecr.aws", "10.0.0.5:443", "a", ("10.0.0.5:443/a/b:1",), COMMAND)
    images = ImagesReport("b", results, groups=(group,))
    steps = (
        CheckStep("api", Status.WARN, "asks for a login", "authenticate"),
        CheckStep("images", Status.FAIL, images.summary(), "ociNamespaces"),
    )
    return CheckReport("10.0.0.5", "443", steps, images=images)


def test_sarif_one_result_per_reference_on_the_mirror_keys(spec: Path) -> None:
    log = json.loads(FORMATTERS["sarif"](report(), str(spec), False))
    (run,) = log["runs"]
    found = [
        (r["ruleId"], r["level"], r["message"]["text"],
         r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run["results"]
    ]  # fmt: skip
    assert found == [
        ("check/api", "warning", "asks for a login", 7),  # no authenticate key: the section
        (
            "images/missing",
            "error",
            "10.0.0.5:443/a/b:1: not in the mirror (HTTP 404 Not Found)",
            7,
        ),
        ("images/unmapped", "error", "quay.io/x:1: unmapped", 9),
        ("images/digest-differs", "note", "10.0.0.5:443/c:1: another digest", 7),
    ]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert all(r["ruleIndex"] == rules.index(r["ruleId"]) for r in run["results"])


def test_github_one_annotation_per_missing_group(spec: Path) -> None:
    out = FORMATTERS["github"](report(), str(spec), False)
    file = str(spec).replace(":", "%3A").replace(",", "%2C")
    section = f"file={file},line=7,col=3,endLine=7,endColumn=30"
    namespaces = f"file={file},line=9,col=5,endLine=9,endColumn=18"
    assert out.splitlines() == [
        f"::warning {section},title=check/api::asks for a login",
        f"::error {namespaces},title=images/unmapped::quay.io/x:1: unmapped",
        f"::notice {section},title=images/digest-differs::10.0.0.5:443/c:1: another digest",
        f"::error {section},title=images/missing::1 missing under 10.0.0.5:443:"
        f" 10.0.0.5:443/a/b:1; import them: {COMMAND}",
    ]
