"""``explain``: the node configuration EKS Anywhere derives from the mirror settings.

The containerd files are checked against EKS Anywhere's own expectations in
``pkg/clusterapi/registry_mirror_test.go``. The stored copy of that test
(aws/eks-anywhere@0332b15915f3) predates aws/eks-anywhere#10765 ("Set ``override_path =
true`` in hosts.toml", May 2026), which the reference (section 5, HEAD aebd9a0623cd)
includes: every host block gains ``override_path = true`` after ``capabilities`` and the
un-namespaced host URL gains ``/v2``. ``test_matches_eksa_test_file_plus_10765`` keeps
the old expectations verbatim and applies exactly that change; the other tests spell
out the current files literally.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eksa_mirror.core.mirror import MirrorConfig, OCINamespace
from eksa_mirror.explain import (
    AUTH_PLACEHOLDER,
    NodeFile,
    bottlerocket_settings,
    containerd_files,
    credentials_secret,
    explain,
    hosts_toml,
    mirror_mapping_lines,
    render_text,
    rewrites,
    to_dict,
)
from support import cluster, issue, run_cli

CURATED = "783794618700.dkr.ecr.us-west-2.amazonaws.com"
CONFIG_APPEND = (
    '[plugins."io.containerd.grpc.v1.cri".registry]\n  config_path = "/etc/containerd/certs.d"\n'
)

# --- EKS Anywhere's expectations, verbatim (registry_mirror_test.go @ 0332b15915f3) -------

EKSA_CASES: dict[str, tuple[MirrorConfig, dict[str, str]]] = {
    "with ca cert and namespace mapping for eksa and curated packages": (
        MirrorConfig(
            endpoint="1.2.3.4",
            port="443",
            ca_cert_content="xyz",
            oci_namespaces=(
                OCINamespace("public.ecr.aws", "eks-anywhere"),
                OCINamespace(CURATED, "curated-packages"),
            ),
        ),
        {
            "/etc/containerd/config_append.toml": CONFIG_APPEND,
            "/etc/containerd/certs.d/1.2.3.4:443/ca.crt": "xyz",
            "/etc/containerd/certs.d/1.2.3.4:443/hosts.toml": """server = "https://1.2.3.4:443"

[host."https://1.2.3.4:443"]
  capabilities = ["pull", "resolve"]
  ca = "/etc/containerd/certs.d/1.2.3.4:443/ca.crt"
""",
            f"/etc/containerd/certs.d/{CURATED}/hosts.toml": f"""server = "https://{CURATED}"

[host."https://1.2.3.4:443/v2/curated-packages"]
  capabilities = ["pull", "resolve"]
  ca = "/etc/containerd/certs.d/1.2.3.4:443/ca.crt"
""",
            "/etc/containerd/certs.d/public.ecr.aws/hosts.toml": """server = "https://public.ecr.aws"

[host."https://1.2.3.4:443/v2/eks-anywhere"]
  capabilities = ["pull", "resolve"]
  ca = "/etc/containerd/certs.d/1.2.3.4:443/ca.crt"
""",
        },
    ),
    "with insecure skip": (
        MirrorConfig(endpoint="1.2.3.4", port="443", insecure_skip_verify=True),
        {
            "/etc/containerd/config_append.toml": CONFIG_APPEND,
            "/etc/containerd/certs.d/1.2.3.4:443/hosts.toml": """server = "https://1.2.3.4:443"

[host."https://1.2.3.4:443"]
  capabilities = ["pull", "resolve"]
  skip_verify = true
""",
            "/etc/containerd/certs.d/public.ecr.aws/hosts.toml": """server = "https://public.ecr.aws"

[host."https://1.2.3.4:443"]
  capabilities = ["pull", "resolve"]
  skip_verify = true
""",
        },
    ),
    "with ca cert and insecure skip": (
        MirrorConfig(
            endpoint="1.2.3.4", port="443", ca_cert_content="xyz", insecure_skip_verify=True
        ),
        {
            "/etc/containerd/config_append.toml": CONFIG_APPEND,
            "/etc/containerd/certs.d/1.2.3.4:443/ca.crt": "xyz",
            "/etc/containerd/certs.d/1.2.3.4:443/hosts.toml": """server = "https://1.2.3.4:443"

[host."https://1.2.3.4:443"]
  capabilities = ["pull", "resolve"]
  ca = "/etc/containerd/certs.d/1.2.3.4:443/ca.crt"
  skip_verify = true
""",
            "/etc/containerd/certs.d/public.ecr.aws/hosts.toml": """server = "https://public.ecr.aws"

[host."https://1.2.3.4:443"]
  capabilities = ["pull", "resolve"]
  ca = "/etc/containerd/certs.d/1.2.3.4:443/ca.crt"
  skip_verify = true
""",
        },
    ),
}


def apply_10765(content: str) -> str:
    """aws/eks-anywhere#10765: ``override_path = true``; bare host URLs get ``/v2``."""
    content = re.sub(r'\[host\."https://([^/"]+)"\]', r'[host."https://\1/v2"]', content)
    return content.replace(
        '  capabilities = ["pull", "resolve"]\n',
        '  capabilities = ["pull", "resolve"]\n  override_path = true\n',
    )


def as_dict(files: list[NodeFile]) -> dict[str, str]:
    assert all(f.owner == "root:root" for f in files)
    result = {f.path: f.content for f in files}
    assert len(result) == len(files), "duplicate paths"
    return result


@pytest.mark.parametrize("name", list(EKSA_CASES))
def test_matches_eksa_test_file_plus_10765(name: str) -> None:
    cfg, old_expected = EKSA_CASES[name]
    expected = {path: apply_10765(content) for path, content in old_expected.items()}
    assert as_dict(containerd_files(cfg)) == expected


def test_current_hosts_toml_spelled_out() -> None:
    cfg, _ = EKSA_CASES["with ca cert and namespace mapping for eksa and curated packages"]
    files = containerd_files(cfg)
    assert [f.path for f in files] == [
        "/etc/containerd/config_append.toml",
        "/etc/containerd/certs.d/1.2.3.4:443/ca.crt",
        "/etc/containerd/certs.d/1.2.3.4:443/hosts.toml",
        f"/etc/containerd/certs.d/{CURATED}/hosts.toml",
        "/etc/containerd/certs.d/public.ecr.aws/hosts.toml",
    ]
    assert files[2].content == (
        'server = "https://1.2.3.4:443"\n'
        "\n"
        '[host."https://1.2.3.4:443/v2"]\n'
        '  capabilities = ["pull", "resolve"]\n'
        "  override_path = true\n"
        '  ca = "/etc/containerd/certs.d/1.2.3.4:443/ca.crt"\n'
    )
    assert files[4].content == (
        'server = "https://public.ecr.aws"\n'
        "\n"
        '[host."https://1.2.3.4:443/v2/eks-anywhere"]\n'
        '  capabilities = ["pull", "resolve"]\n'
        "  override_path = true\n"
        '  ca = "/etc/containerd/certs.d/1.2.3.4:443/ca.crt"\n'
    )


def test_auth_header_uses_a_placeholder() -> None:
    cfg = MirrorConfig(
        "1.2.3.4", "443", authenticate=True, datacenter_kind="VSphereDatacenterConfig"
    )
    assert hosts_toml(cfg, "public.ecr.aws", "1.2.3.4:443/v2", auth=True) == (
        'server = "https://public.ecr.aws"\n'
        "\n"
        '[host."https://1.2.3.4:443/v2"]\n'
        '  capabilities = ["pull", "resolve"]\n'
        "  override_path = true\n"
        '  [host."https://1.2.3.4:443/v2".header]\n'
        '    authorization = "Basic <base64 of REGISTRY_USERNAME:REGISTRY_PASSWORD>"\n'
    )
    assert all(AUTH_PLACEHOLDER in f.content for f in containerd_files(cfg)[1:])


@pytest.mark.parametrize("kind", ["SnowDatacenterConfig", "CloudStackDatacenterConfig"])
def test_no_auth_header_on_snow_and_cloudstack(kind: str) -> None:
    cfg = MirrorConfig("1.2.3.4", authenticate=True, datacenter_kind=kind)
    assert not any("authorization" in f.content for f in containerd_files(cfg))
    assert explain(cfg).notes[0].startswith("authenticate has no effect on ")


def test_ipv6_endpoint_is_bracketed_in_paths_and_urls() -> None:
    cfg = MirrorConfig("fd00::1", "8443")
    assert as_dict(containerd_files(cfg)) == {
        "/etc/containerd/config_append.toml": CONFIG_APPEND,
        "/etc/containerd/certs.d/[fd00::1]:8443/hosts.toml": (
            'server = "https://[fd00::1]:8443"\n\n[host."https://[fd00::1]:8443/v2"]\n'
            '  capabilities = ["pull", "resolve"]\n  override_path = true\n'
        ),
        "/etc/containerd/certs.d/public.ecr.aws/hosts.toml": (
            'server = "https://public.ecr.aws"\n\n[host."https://[fd00::1]:8443/v2"]\n'
            '  capabilities = ["pull", "resolve"]\n  override_path = true\n'
        ),
    }


# --- Bottlerocket --------------------------------------------------------------------------


def br(kind: str, *namespaces: tuple[str, str], ca: str = "") -> MirrorConfig:
    return MirrorConfig(
        "10.0.0.5",
        "443",
        tuple(OCINamespace(r, n) for r, n in namespaces),
        ca_cert_content=ca,
        datacenter_kind=kind,
        os_families=frozenset({"bottlerocket"}),
    )


def test_vsphere_bottlerocket_single_endpoint_when_only_public_ecr() -> None:
    settings = bottlerocket_settings(br("VSphereDatacenterConfig", ("public.ecr.aws", "ns")))
    assert settings is not None
    assert (settings.endpoint, settings.mirrors, settings.ignored) == ("10.0.0.5:443/v2/ns", (), ())
    settings = bottlerocket_settings(br("VSphereDatacenterConfig"))
    assert settings is not None and settings.endpoint == "10.0.0.5:443/v2"


def test_vsphere_bottlerocket_mirrors_list_otherwise() -> None:
    cfg = br("VSphereDatacenterConfig", ("public.ecr.aws", ""), ("docker.io", "hub"), ca="pem")
    settings = bottlerocket_settings(cfg)
    assert settings is not None
    assert settings.endpoint is None
    # EKS-A ranges over a Go map in the template: the list is sorted by registry.
    assert settings.mirrors == (
        ("docker.io", "10.0.0.5:443/v2/hub"),
        ("public.ecr.aws", "10.0.0.5:443/v2"),
    )
    assert settings.ca_cert is True
    text = render_text(explain(cfg))
    # vSphere template-cp.yaml 140-157: caCert is rendered before the mirrors list.
    assert (
        "Bottlerocket nodes (vSphere): kubeadm registryMirror\n"
        "  registryMirror:\n"
        "    caCert: <caCertContent>\n"
        "    mirrors:\n"
        '    - registry: "docker.io"\n'
        "      endpoints:\n"
        "      - 10.0.0.5:443/v2/hub\n"
        '    - registry: "public.ecr.aws"\n'
        "      endpoints:\n"
        "      - 10.0.0.5:443/v2\n"
    ) in text


@pytest.mark.parametrize("kind", ["TinkerbellDatacenterConfig", "SnowDatacenterConfig"])
def test_tinkerbell_and_snow_bottlerocket_only_mirror_public_ecr(kind: str) -> None:
    cfg = br(kind, ("docker.io", "hub"), ("public.ecr.aws", "eksa"), (CURATED, "pkgs"))
    settings = bottlerocket_settings(cfg)
    assert settings is not None
    assert settings.endpoint == "10.0.0.5:443/v2/eksa"
    assert settings.mirrors == ()
    assert settings.ignored == (CURATED, "docker.io")
    assert (
        f"  ignored on Bottlerocket: {CURATED}\n  ignored on Bottlerocket: docker.io\n"
        in render_text(explain(cfg))
    )


def test_no_bottlerocket_section_without_bottlerocket_nodes() -> None:
    cfg = MirrorConfig("10.0.0.5", os_families=frozenset({"ubuntu"}))
    assert bottlerocket_settings(cfg) is None
    assert "Bottlerocket" not in render_text(explain(cfg))


def test_missing_public_ecr_mapping() -> None:
    cfg = br("TinkerbellDatacenterConfig", ("docker.io", "hub"))
    exp = explain(cfg)
    # ToAPIEndpoint("") is "v2" from v0.25.3/v0.26.0 (aws/eks-anywhere#10765).
    assert exp.bottlerocket is not None and exp.bottlerocket.endpoint == "v2"
    assert exp.etcd is None
    assert exp.notes[0] == (
        "ociNamespaces has no entry for public.ecr.aws: EKS Anywhere's own images are not"
        " mirrored; the Bottlerocket mirror endpoint is rendered as the relative `v2`"
        ' (ToAPIEndpoint("")): those nodes pull from `https://v2`, which does not resolve,'
        " so their images fail to pull unless the internet is reachable"
    )
    text = render_text(exp)
    assert "  registryMirror:\n    endpoint: v2\n" in text
    assert (
        "Bottlerocket nodes: settings written by the Cluster API bootstrap\n"
        "  [[settings.container-registry.mirrors]]\n"
        '  registry = "public.ecr.aws"\n'
        '  endpoint = ["v2"]\n'
    ) in text


# --- rewrites, secret, notes ---------------------------------------------------------------


def test_rewrite_table() -> None:
    cfg = MirrorConfig(
        "10.0.0.5", "443", (OCINamespace("public.ecr.aws", ""), OCINamespace(CURATED, "pkgs"))
    )
    assert [(r.image, r.rewritten, r.pull_url) for r in rewrites(cfg)] == [
        (
            "public.ecr.aws/eks-anywhere/x",
            "10.0.0.5:443/eks-anywhere/x",
            "https://10.0.0.5:443/v2/eks-anywhere/x",
        ),
        (f"{CURATED}/x", "10.0.0.5:443/pkgs/x", "https://10.0.0.5:443/v2/pkgs/x"),
    ]


def test_credentials_secret_only_with_authenticate_and_never_real_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGISTRY_USERNAME", "real-user")
    monkeypatch.setenv("REGISTRY_PASSWORD", "real-password")
    assert credentials_secret(MirrorConfig("r")) is None
    cfg = MirrorConfig("r", authenticate=True)
    assert credentials_secret(cfg) == (
        "apiVersion: v1\n"
        "kind: Secret\n"
        "metadata:\n"
        "  name: registry-credentials\n"
        "  namespace: eksa-system\n"
        "  labels:\n"
        '    clusterctl.cluster.x-k8s.io/move: "true"\n'
        "data:\n"
        "  username: <base64 of REGISTRY_USERNAME>\n"
        "  password: <base64 of REGISTRY_PASSWORD>\n"
    )
    everything = render_text(explain(cfg)) + json.dumps(to_dict(explain(cfg)))
    assert "real-user" not in everything and "real-password" not in everything


def test_duplicate_registries_note_and_last_entry_wins() -> None:
    cfg = MirrorConfig(
        "r", "443", (OCINamespace("public.ecr.aws", "a"), OCINamespace("public.ecr.aws", "b"))
    )
    assert explain(cfg).notes == (
        "public.ecr.aws is listed 2 times in ociNamespaces: only the last entry counts",
    )
    assert mirror_mapping_lines(cfg, "public.ecr.aws")[0] == (
        "`public.ecr.aws/eks-anywhere/x` pulls from `https://r:443/v2/b/eks-anywhere/x`"
    )


def test_private_key_in_ca_is_never_shown() -> None:
    secret = "-----BEGIN PRIVATE KEY-----\nSECRETKEYDATA\n-----END PRIVATE KEY-----\n"
    exp = explain(MirrorConfig("r", ca_cert_content=secret))
    shown = render_text(exp) + json.dumps(to_dict(exp))
    assert "SECRETKEYDATA" not in shown
    assert "<caCertContent contains a private key: not shown>" in shown


# --- hover ---------------------------------------------------------------------------------


def test_mirror_mapping_lines_for_hover() -> None:
    cfg = MirrorConfig(
        "10.0.0.5",
        "443",
        (OCINamespace("public.ecr.aws", ""), OCINamespace("docker.io", "hub")),
        datacenter_kind="SnowDatacenterConfig",
        os_families=frozenset({"bottlerocket", "ubuntu"}),
    )
    assert mirror_mapping_lines(cfg, "public.ecr.aws") == [
        "`public.ecr.aws/eks-anywhere/x` pulls from `https://10.0.0.5:443/v2/eks-anywhere/x`",
        "image references are rewritten to `10.0.0.5:443/eks-anywhere/x`",
        "Ubuntu/RHEL nodes: `/etc/containerd/certs.d/public.ecr.aws/hosts.toml`",
        "Bottlerocket nodes: mirror endpoint `10.0.0.5:443/v2`",
    ]
    assert mirror_mapping_lines(cfg, "docker.io") == [
        "`docker.io/x` pulls from `https://10.0.0.5:443/v2/hub/x`",
        "image references are rewritten to `10.0.0.5:443/hub/x`",
        "Ubuntu/RHEL nodes: `/etc/containerd/certs.d/docker.io/hosts.toml`",
        "Bottlerocket nodes on Snow ignore this mapping (only `public.ecr.aws` is mirrored there)",
    ]
    assert mirror_mapping_lines(cfg, "quay.io") == [
        "`quay.io` is not mirrored: its images are pulled from `quay.io` itself"
    ]


# --- whole output --------------------------------------------------------------------------

#: A real CA: ``explain`` refuses a spec whose CA EKS-A's preflight cannot parse (RM014).
CA_PEM = issue("mirror-ca.example.test", ca=True, key="p256").pem
CA_LINES = "".join(f"    {line}\n" for line in CA_PEM.splitlines())
VSPHERE_CFG = MirrorConfig(
    "10.0.0.5",
    "443",
    (OCINamespace("public.ecr.aws", ""), OCINamespace(CURATED, "eks-anywhere")),
    ca_cert_content=CA_PEM,
    authenticate=True,
    datacenter_kind="VSphereDatacenterConfig",
    os_families=frozenset({"ubuntu", "bottlerocket"}),
)

VSPHERE_TEXT = f"""\
Registry mirror 10.0.0.5:443 (vSphere; OS families: bottlerocket, ubuntu)
Rendered for EKS Anywhere v0.26.1 (the latest release known to eksa-mirror); Ubuntu/RHEL \
nodes: hosts.toml with override_path (v0.25.3, v0.26.0 and later)

Image rewrites
  public.ecr.aws/eks-anywhere/x                  → 10.0.0.5:443/eks-anywhere/x
                                                   nodes pull https://10.0.0.5:443/v2/eks-anywhere/x
  {CURATED}/x → 10.0.0.5:443/eks-anywhere/x
                                                   nodes pull https://10.0.0.5:443/v2/eks-anywhere/x

Ubuntu/RHEL nodes: containerd files
  /etc/containerd/config_append.toml (root:root)
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "/etc/containerd/certs.d"
  /etc/containerd/certs.d/10.0.0.5:443/ca.crt (root:root)
{CA_LINES}  /etc/containerd/certs.d/10.0.0.5:443/hosts.toml (root:root)
    server = "https://10.0.0.5:443"

    [host."https://10.0.0.5:443/v2"]
      capabilities = ["pull", "resolve"]
      override_path = true
      ca = "/etc/containerd/certs.d/10.0.0.5:443/ca.crt"
      [host."https://10.0.0.5:443/v2".header]
        authorization = "Basic <base64 of REGISTRY_USERNAME:REGISTRY_PASSWORD>"
  /etc/containerd/certs.d/{CURATED}/hosts.toml (root:root)
    server = "https://{CURATED}"

    [host."https://10.0.0.5:443/v2/eks-anywhere"]
      capabilities = ["pull", "resolve"]
      override_path = true
      ca = "/etc/containerd/certs.d/10.0.0.5:443/ca.crt"
      [host."https://10.0.0.5:443/v2/eks-anywhere".header]
        authorization = "Basic <base64 of REGISTRY_USERNAME:REGISTRY_PASSWORD>"
  /etc/containerd/certs.d/public.ecr.aws/hosts.toml (root:root)
    server = "https://public.ecr.aws"

    [host."https://10.0.0.5:443/v2"]
      capabilities = ["pull", "resolve"]
      override_path = true
      ca = "/etc/containerd/certs.d/10.0.0.5:443/ca.crt"
      [host."https://10.0.0.5:443/v2".header]
        authorization = "Basic <base64 of REGISTRY_USERNAME:REGISTRY_PASSWORD>"
  preKubeadmCommands:
    - cat /etc/containerd/config_append.toml >> /etc/containerd/config.toml
    - sudo systemctl daemon-reload
    - sudo systemctl restart containerd

Bottlerocket nodes (vSphere): kubeadm registryMirror
  registryMirror:
    caCert: <caCertContent>
    mirrors:
    - registry: "{CURATED}"
      endpoints:
      - 10.0.0.5:443/v2/eks-anywhere
    - registry: "public.ecr.aws"
      endpoints:
      - 10.0.0.5:443/v2

Bottlerocket nodes: settings written by the Cluster API bootstrap
  [[settings.container-registry.mirrors]]
  registry = "{CURATED}"
  endpoint = ["10.0.0.5:443/v2/eks-anywhere"]
  [[settings.container-registry.mirrors]]
  registry = "public.ecr.aws"
  endpoint = ["10.0.0.5:443/v2"]
  [settings.pki.registry-mirror-ca]
  data = "<base64 of caCertContent>"
  trusted=true
  [[settings.container-registry.credentials]]
  registry = "public.ecr.aws"
  username = "<username from Secret eksa-system/registry-credentials>"
  password = "<password from Secret eksa-system/registry-credentials>"
  [[settings.container-registry.credentials]]
  registry = "10.0.0.5:443"
  username = "<username from Secret eksa-system/registry-credentials>"
  password = "<password from Secret eksa-system/registry-credentials>"

Credentials Secret (authenticate: true)
  apiVersion: v1
  kind: Secret
  metadata:
    name: registry-credentials
    namespace: eksa-system
    labels:
      clusterctl.cluster.x-k8s.io/move: "true"
  data:
    username: <base64 of REGISTRY_USERNAME>
    password: <base64 of REGISTRY_PASSWORD>
"""


def test_render_text_whole_output() -> None:
    assert render_text(explain(VSPHERE_CFG)) == VSPHERE_TEXT


def test_to_dict_snow_bottlerocket() -> None:
    cfg = MirrorConfig(
        "10.0.0.5",
        oci_namespaces=(OCINamespace("public.ecr.aws", "ns"), OCINamespace("docker.io", "hub")),
        insecure_skip_verify=True,
        datacenter_kind="SnowDatacenterConfig",
        os_families=frozenset({"bottlerocket"}),
    )
    assert to_dict(explain(cfg)) == {
        "endpoint": "10.0.0.5",
        "port": "443",
        "base_registry": "10.0.0.5:443",
        "provider": "SnowDatacenterConfig",
        "os_families": ["bottlerocket"],
        "release": {
            "version": "v0.26.1",
            "source": "EKS Anywhere v0.26.1 (the latest release known to eksa-mirror)",
            "node_format": "current",
        },
        "ca_cert": False,
        "image_rewrites": [
            {
                "registry": "public.ecr.aws",
                "mirror": "10.0.0.5:443/ns",
                "image": "public.ecr.aws/eks-anywhere/x",
                "rewritten": "10.0.0.5:443/ns/eks-anywhere/x",
                "pull_url": "https://10.0.0.5:443/v2/ns/eks-anywhere/x",
            },
            {
                "registry": "docker.io",
                "mirror": "10.0.0.5:443/hub",
                "image": "docker.io/x",
                "rewritten": "10.0.0.5:443/hub/x",
                "pull_url": "https://10.0.0.5:443/v2/hub/x",
            },
        ],
        "containerd": {"files": [], "pre_kubeadm_commands": []},
        "bottlerocket": {
            "provider": "SnowDatacenterConfig",
            "endpoint": "10.0.0.5:443/v2/ns",
            "mirrors": [],
            "ca_cert": False,
            "ignored": ["docker.io"],
            "settings": (
                "[[settings.container-registry.mirrors]]\n"
                'registry = "public.ecr.aws"\n'
                'endpoint = ["10.0.0.5:443/v2/ns"]\n'
            ),
            "credentials": [],
        },
        # no externalEtcdConfiguration: EKS-A renders no EtcdadmCluster
        "etcd_endpoint": None,
        "etcd": None,
        "credentials_secret": None,
        "notes": [
            "insecureSkipVerify is not rendered for Bottlerocket, and EKS-A's preflight fails"
            " with: InsecureSkipVerify is not supported for bottlerocket"
        ],
    }


# --- command line (YAML in, output out) ----------------------------------------------------

MIRROR_YAML = """\
endpoint: 10.0.0.5
ociNamespaces:
  - registry: public.ecr.aws
    namespace: ""
  - registry: {curated}
    namespace: eks-anywhere
{ca}authenticate: true"""
CA_YAML = "caCertContent: |\n" + "".join(f"  {line}\n" for line in CA_PEM.splitlines())


def cluster_yaml(*, with_ca: bool = True) -> str:
    """A vSphere cluster: Ubuntu control plane, workers without osFamily (Bottlerocket)."""
    body = MIRROR_YAML.format(curated=CURATED, ca=CA_YAML if with_ca else "")
    return cluster(body, md=None)


def test_cli_explain_from_yaml(tmp_path: Path) -> None:
    spec = tmp_path / "cluster.yaml"
    spec.write_text(cluster_yaml())
    # workers have no osFamily: vSphere defaults it to bottlerocket
    result = run_cli("explain", str(spec), env={"REGISTRY_PASSWORD": "hunter2"})
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == VSPHERE_TEXT
    result = run_cli("explain", str(spec), "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout) == json.loads(json.dumps(to_dict(explain(VSPHERE_CFG))))


def test_cli_explain_takes_the_ca_from_eksa_registry_mirror_ca(tmp_path: Path) -> None:
    spec = tmp_path / "cluster.yaml"
    spec.write_text(cluster_yaml(with_ca=False))
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\nFROMFILE\n-----END CERTIFICATE-----\n")
    result = run_cli("explain", str(spec), env={"EKSA_REGISTRY_MIRROR_CA": str(ca)})
    assert result.returncode == 0, result.stderr
    assert "    FROMFILE\n" in result.stdout
    assert (
        f"  - caCertContent is empty in the file: the CA comes from EKSA_REGISTRY_MIRROR_CA={ca}\n"
        in result.stdout
    )
    missing = tmp_path / "nope.pem"
    result = run_cli("explain", str(spec), env={"EKSA_REGISTRY_MIRROR_CA": str(missing)})
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"eksa-mirror explain: reading the cert file {missing}: No such file or directory\n"
    )


def test_cli_explain_cannot_run(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    result = run_cli("explain", str(missing))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"eksa-mirror explain: cannot read {missing}: No such file or directory\n"
    )
    no_mirror = tmp_path / "plain.yaml"
    no_mirror.write_text("apiVersion: v1\nkind: ConfigMap\n")
    result = run_cli("explain", str(no_mirror))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"eksa-mirror explain: {no_mirror}: no EKS Anywhere Cluster with a"
        " registryMirrorConfiguration\n"
    )
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    result = run_cli("explain", str(binary))
    assert (result.returncode, result.stderr) == (
        2,
        f"eksa-mirror explain: cannot read {binary}: not UTF-8 text\n",
    )


def test_bottlerocket_only_snow_rewrite_rows_of_ignored_registries() -> None:
    cfg = br("SnowDatacenterConfig", ("public.ecr.aws", "eksa"), ("docker.io", "hub"))
    text = render_text(explain(cfg))
    assert text.startswith(
        "Registry mirror 10.0.0.5:443 (Snow; OS families: bottlerocket)\n"
        "Rendered for EKS Anywhere v0.26.1 (the latest release known to eksa-mirror)\n\n"
    )
    assert (
        "  docker.io/x                   → 10.0.0.5:443/hub/x\n"
        "                                  not on these Bottlerocket nodes: pulled from"
        " docker.io itself\n"
    ) in text


def test_tinkerbell_notes_name_smee_and_the_template_override_rewrite() -> None:
    # stack.go 308-314 (Smee), factory.go 435-436 (Helm --insecure), template.go 264-269.
    cfg = MirrorConfig(
        "10.0.0.5",
        oci_namespaces=(OCINamespace("public.ecr.aws", "eksa"),),
        authenticate=True,
        datacenter_kind="TinkerbellDatacenterConfig",
        os_families=frozenset({"ubuntu"}),
    )
    assert list(explain(cfg).notes) == [
        "Tinkerbell stack: Smee gets insecure_registries=10.0.0.5:443 and"
        " registry_username/registry_password; Helm charts are pulled through the mirror"
        " with --insecure",
        "Tinkerbell template overrides (control plane, etcd): every public.ecr.aws in them is"
        " replaced by 10.0.0.5:443/eksa",
    ]


def test_cli_explain_for_a_release_newer_than_known(tmp_path: Path) -> None:
    """``--eksa-version v0.99.0`` renders the newest release known, and says so."""
    spec = tmp_path / "cluster.yaml"
    spec.write_text(cluster("endpoint: 10.0.0.5"))
    result = run_cli("explain", "--eksa-version", "v0.99.0", str(spec))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[1] == (
        "Rendered for EKS Anywhere v0.26.1, the newest release eksa-mirror knows (v0.99.0 from "
        "--eksa-version / eksaMirror.eksaVersion is newer); Ubuntu/RHEL nodes: hosts.toml with "
        "override_path (v0.25.3, v0.26.0 and later)"
    )
    result = run_cli("explain", "--eksa-version", "v0.99.0", "--format", "json", str(spec))
    assert json.loads(result.stdout)["release"] == {
        "version": "v0.26.1",
        "source": "EKS Anywhere v0.26.1, the newest release eksa-mirror knows (v0.99.0 from "
        "--eksa-version / eksaMirror.eksaVersion is newer)",
        "node_format": "current",
    }
