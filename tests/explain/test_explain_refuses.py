"""``explain`` refuses what EKS Anywhere refuses, and tells Bottlerocket nodes the truth.

A spec EKS-A rejects (its decoder, its validation or its CLI preflight fails) is not rendered:
``explain`` exits 1 and prints the errors that make it invalid exactly as ``validate`` prints
them. Bottlerocket nodes get no ``hosts.toml``: their pull URLs and notes do not change with
the Ubuntu/RHEL node format (v0.24.0-v0.25.2 vs v0.26.1).
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from eksa_mirror.cli.main import main
from eksa_mirror.rules.refusal import REFUSED
from support import cluster

EMPTY_REGISTRY = cluster(
    'endpoint: r.local\nport: 443\ninsecureSkipVerify: true\nociNamespaces:\n  - registry: ""\n'
    "    namespace: x"
)
#: Every machine Bottlerocket, one namespaced mapping: what the issue's user rendered.
BOTTLEROCKET_NS = cluster(
    "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: eks-anywhere",
    cp="bottlerocket",
    md="bottlerocket",
)


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def spec(tmp_path: Path, text: str, name: str = "cluster.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_an_empty_registry_is_refused_with_validates_error(tmp_path: Path) -> None:
    path = spec(tmp_path, EMPTY_REGISTRY)
    code, out, err = run("explain", path)
    assert (code, err) == (1, "")
    assert out == (
        f"{path}:23:19: error RM003 registry can't be set to empty in OCINamespaces\n"
        "EKS Anywhere refuses this spec (1 error): nothing is rendered\n"
    )
    # The same line as validate's, which also has warnings EKS-A does not refuse on.
    _, validated, _ = run("validate", "--quiet", path)
    assert out.splitlines()[0] in validated.splitlines()
    assert {line.split(" ")[2] for line in validated.splitlines()} == {"RM003", "RM008", "RM019"}


def test_json_is_validates_json_of_the_refusing_errors(tmp_path: Path) -> None:
    path = spec(tmp_path, EMPTY_REGISTRY)
    code, out, err = run("explain", "--format", "json", path)
    assert (code, err) == (1, "")
    _, validated, _ = run("validate", "--format", "json", path)
    assert json.loads(out) == [f for f in json.loads(validated) if f["code"] == "RM003"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("port: 443", "RM001"),
        ('endpoint: r.local\nport: "0"', "RM002"),
        ("endpoint: r.local\nrobotPassword: hunter2", "RM026"),
        ('endpoint: r.local\nauthenticate: "yes"', "RM007"),
        ("endpoint: r.local\ncaCertContent: not a certificate", "RM014"),
        ("endpoint: r.local\nendpoint: r2.local", "RM025"),
        ("endpoint: [r.local", "RM024"),
    ],
)
def test_each_refusal_renders_nothing(tmp_path: Path, body: str, code: str) -> None:
    code_, out, _ = run("explain", spec(tmp_path, cluster(body)))
    assert code_ == 1
    assert f" error {code} " in out and "Image rewrites" not in out and "hosts.toml" not in out


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("endpoint: https://r.local", "RM009"),
        ("endpoint: r.local\nociNamespaces:\n  - registry: https://docker.io\n    namespace: x",
         "RM012"),
    ],
)  # fmt: skip
def test_errors_that_eksa_renders_are_explained(tmp_path: Path, body: str, code: str) -> None:
    """EKS-A validates no endpoint or registry shape: it writes what it is given, and explain
    shows that (the error stays validate's, and RM033 is the subject of a note)."""
    path = spec(tmp_path, cluster(body))
    assert code not in REFUSED
    code_, out, err = run("explain", path)
    assert (code_, err) == (0, "")
    assert "Image rewrites" in out
    _, validated, _ = run("validate", "--quiet", path)
    assert f" error {code} " in validated


def test_a_refused_spec_with_an_explicit_release(tmp_path: Path) -> None:
    """The release decides what EKS-A refuses: ociNamespaces is unknown before v0.13.0."""
    body = "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: x"
    path = spec(tmp_path, cluster(body))
    assert run("explain", path)[0] == 0
    code, out, _ = run("explain", "--eksa-version", "v0.12.0", path)
    assert code == 1
    assert ' error RM028 json: unknown field "ociNamespaces" (added in v0.13.0' in out


def render(tmp_path: Path, text: str, version: str) -> str:
    code, out, err = run("explain", "--eksa-version", version, spec(tmp_path, text))
    assert (code, err) == (0, "")
    return out


def test_bottlerocket_nodes_pull_without_the_double_v2(tmp_path: Path) -> None:
    out = render(tmp_path, BOTTLEROCKET_NS, "v0.24.0")
    assert out == (
        "Registry mirror r.local:443 (vSphere; OS families: bottlerocket)\n"
        "Rendered for EKS Anywhere v0.24.0 (from --eksa-version / eksaMirror.eksaVersion)\n"
        "\n"
        "Image rewrites\n"
        "  public.ecr.aws/eks-anywhere/x → r.local:443/eks-anywhere/eks-anywhere/x\n"
        "                                  nodes pull https://r.local:443/v2/eks-anywhere/eks-any"
        "where/x\n"
        "\n"
        "Bottlerocket nodes (vSphere): kubeadm registryMirror\n"
        "  registryMirror:\n"
        "    endpoint: r.local:443/v2/eks-anywhere\n"
        "\n"
        "Bottlerocket nodes: settings written by the Cluster API bootstrap\n"
        "  [[settings.container-registry.mirrors]]\n"
        '  registry = "public.ecr.aws"\n'
        '  endpoint = ["r.local:443/v2/eks-anywhere"]\n'
    )
    # The same on v0.26.1, the release that fixed hosts.toml: only the release line differs.
    fixed = render(tmp_path, BOTTLEROCKET_NS, "v0.26.1").splitlines()
    assert fixed[1] == (
        "Rendered for EKS Anywhere v0.26.1 (from --eksa-version / eksaMirror.eksaVersion)"
    )
    assert fixed[:1] + fixed[2:] == out.splitlines()[:1] + out.splitlines()[2:]
    _, validated, _ = run("validate", "--eksa-version", "v0.24.0", "--quiet", str(tmp_path))
    assert validated == ""  # no RM033: nothing to say about Bottlerocket


def test_mixed_nodes_say_which_nodes_pull_what(tmp_path: Path) -> None:
    """Ubuntu control plane, Bottlerocket workers on v0.24.0: only the Ubuntu nodes ask for
    the double /v2 and get 404; the note says so, and names the host RM033 names."""
    text = cluster(
        "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n"
        "    namespace: eks-anywhere",
        md="bottlerocket",
    )
    out = render(tmp_path, text, "v0.24.0")
    assert (
        "  public.ecr.aws/eks-anywhere/x → r.local:443/eks-anywhere/eks-anywhere/x\n"
        "                                  Ubuntu/RHEL nodes pull https://r.local:443/v2/eks-any"
        "where/v2/eks-anywhere/x\n"
        "                                  Bottlerocket nodes pull https://r.local:443/v2/eks-any"
        "where/eks-anywhere/x\n"
    ) in out
    assert out.endswith(
        "Notes\n"
        "  - v0.24.0 writes hosts.toml without override_path: containerd appends /v2 to the "
        "namespaced hosts (https://r.local:443/v2/eks-anywhere) and asks /v2/<namespace>/v2/"
        "<repo>/..., which the mirror answers with 404 on Ubuntu/RHEL nodes (fixed in v0.25.3 "
        "and v0.26.0); Bottlerocket nodes get no hosts.toml and are not affected\n"
    )
    code, json_out, _ = run(
        "explain", "--eksa-version", "v0.24.0", "--format", "json", str(tmp_path / "cluster.yaml")
    )
    assert code == 0
    [row] = json.loads(json_out)["image_rewrites"]
    assert row["pull_url"] == "https://r.local:443/v2/eks-anywhere/v2/eks-anywhere/x"
    assert row["bottlerocket_pull_url"] == "https://r.local:443/v2/eks-anywhere/eks-anywhere/x"
    _, validated, _ = run("validate", "--eksa-version", "v0.24.0", "--quiet", str(tmp_path))
    assert "the host https://r.local:443/v2/eks-anywhere," in validated
    assert validated.count(" RM033 ") == 1


def test_only_the_entry_that_counts_is_rm033(tmp_path: Path) -> None:
    """A registry listed twice reaches the nodes with its last entry only (RM011): a
    namespace in the overridden one breaks nothing, so it is no RM033 (nor an explain note)."""
    text = cluster(
        "endpoint: r.local\nociNamespaces:\n  - registry: public.ecr.aws\n    namespace: old\n"
        '  - registry: public.ecr.aws\n    namespace: ""'
    )
    path = spec(tmp_path, text)
    _, validated, _ = run("validate", "--eksa-version", "v0.24.0", "--quiet", path)
    assert [line.split(" ")[2] for line in validated.splitlines()] == ["RM011"]
    assert "404" not in render(tmp_path, text, "v0.24.0")


def test_the_docs_table_lists_the_refused_rules() -> None:
    """docs/check.md's "What explain refuses" table is ``rules.refusal.REFUSED``."""
    from support import DOCS

    docs = (DOCS / "check.md").read_text(encoding="utf-8")
    table = docs.split("<!-- refused-rules -->\n", 1)[1].split("\n\n", 1)[0]
    listed = [line.split("]", 1)[0].removeprefix("| [") for line in table.splitlines()[2:]]
    assert listed == list(REFUSED)


def test_the_configured_release_is_validates(tmp_path: Path) -> None:
    """``eksa-version`` in ``.eksa-mirror.toml`` decides what is refused and what is rendered,
    for explain as for validate; the command line wins."""
    (tmp_path / ".eksa-mirror.toml").write_text('eksa-version = "v0.24.0"\n')
    path = spec(tmp_path, BOTTLEROCKET_NS)
    code, out, _ = run("explain", path)
    assert code == 0
    assert out.splitlines()[1] == (
        "Rendered for EKS Anywhere v0.24.0 (from --eksa-version / eksaMirror.eksaVersion)"
    )
    (tmp_path / ".eksa-mirror.toml").write_text('eksa-version = "v0.12.0"\n')
    assert run("explain", path)[0] == 1  # ociNamespaces is unknown before v0.13.0
    assert run("explain", "--eksa-version", "v0.26.1", path)[0] == 0
