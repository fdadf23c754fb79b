#!/usr/bin/env python3
"""Deterministic benchmark inputs (standard library only; same arguments -> same bytes).

Three kinds of input:

``cluster``  one multi-document EKS Anywhere cluster file of about ``--lines`` lines:
             Kubernetes filler objects (Deployment, Service, ConfigMap, ServiceAccount,
             Role) around the EKS-A ``Cluster`` document, whose ``spec`` holds the
             ``registryMirrorConfiguration`` block, and its datacenter/machine configs.
             5,000 lines gives 264 documents. ``--errors`` makes the mirror block invalid.
             ``--positions FILE`` writes the interesting 0-based LSP positions (JSON).
``tree``     ``--count`` single-document Cluster specs in a folder tree (10 per folder),
             about one in eight with a mirror mistake.
``small``    shorthand for ``cluster --lines 50`` (the Cluster plus its datacenter config).

    python benchmarks/gen_inputs.py cluster -o big.yaml --lines 5000 --positions big.pos.json
    python benchmarks/gen_inputs.py tree -o specs/ --count 1000

Also importable: ``cluster_text(lines, errors=False)`` and ``write_tree(path, count)``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def portable(value: object, repo: Path = REPO) -> object:
    """``value`` (a report) with paths inside the repository made relative to it, and other
    absolute program paths cut to the program's name: results read the same on any machine."""
    if isinstance(value, dict):
        return {portable(k, repo): portable(v, repo) for k, v in value.items()}
    if isinstance(value, list):
        return [portable(v, repo) for v in value]
    if not isinstance(value, str):
        return value
    text = value.replace(str(repo) + "/", "").replace(str(repo), ".")
    if text.startswith("/") and " " not in text and Path(text).is_file():
        return Path(text).name
    return text


TEAMS = [
    "api",
    "web",
    "worker",
    "cache",
    "auth",
    "billing",
    "search",
    "ingest",
    "report",
    "notify",
    "gateway",
    "scheduler",
    "metrics",
    "audit",
    "mailer",
    "export",
]
NAMESPACES = ["default", "prod", "staging", "tools", "observability", "payments"]
CLUSTER = "mgmt"


# ----------------------------------------------------------------------------- filler
def _deployment(r: random.Random, name: str, ns: str) -> str:
    port = r.choice([8080, 8443, 9090, 3000, 5000])
    env = "".join(
        f'            - name: {k}\n              value: "{v}"\n'
        for k, v in (
            ("LOG_LEVEL", r.choice(["info", "debug", "warn"])),
            ("REGION", r.choice(["us-west-2", "eu-central-1", "ap-south-1"])),
            (f"FEATURE_{r.randint(1, 99)}", r.choice(["on", "off"])),
        )
    )
    tag = f"v{r.randint(1, 9)}.{r.randint(0, 30)}.{r.randint(0, 9)}"
    return (
        "apiVersion: apps/v1\n"
        "kind: Deployment\n"
        "metadata:\n"
        f"  name: {name}\n"
        f"  namespace: {ns}\n"
        "  labels:\n"
        f"    app.kubernetes.io/name: {name}\n"
        "    app.kubernetes.io/part-of: benchmark\n"
        "    app.kubernetes.io/managed-by: kustomize\n"
        "spec:\n"
        f"  replicas: {r.randint(1, 6)}\n"
        "  selector:\n"
        "    matchLabels:\n"
        f"      app.kubernetes.io/name: {name}\n"
        "  template:\n"
        "    metadata:\n"
        "      labels:\n"
        f"        app.kubernetes.io/name: {name}\n"
        "    spec:\n"
        f"      serviceAccountName: {name}\n"
        "      containers:\n"
        f"        - name: {name}\n"
        f"          image: mirror.example.internal:5000/bench/{name}:{tag}\n"
        "          imagePullPolicy: IfNotPresent\n"
        "          ports:\n"
        f"            - containerPort: {port}\n"
        "              protocol: TCP\n"
        "          env:\n"
        f"{env}"
        "          resources:\n"
        "            requests:\n"
        f"              cpu: {r.choice(['100m', '250m', '500m'])}\n"
        f"              memory: {r.choice(['128Mi', '256Mi', '512Mi'])}\n"
        "            limits:\n"
        f"              cpu: {r.choice(['500m', '1', '2'])}\n"
        f"              memory: {r.choice(['512Mi', '1Gi', '2Gi'])}\n"
        "          readinessProbe:\n"
        "            httpGet:\n"
        "              path: /healthz\n"
        f"              port: {port}\n"
        f"            initialDelaySeconds: {r.randint(1, 10)}\n"
        "            periodSeconds: 10\n"
    )


def _service(r: random.Random, name: str, ns: str) -> str:
    return (
        "apiVersion: v1\n"
        "kind: Service\n"
        "metadata:\n"
        f"  name: {name}\n"
        f"  namespace: {ns}\n"
        "spec:\n"
        f"  type: {r.choice(['ClusterIP', 'NodePort'])}\n"
        "  selector:\n"
        f"    app.kubernetes.io/name: {name}\n"
        "  ports:\n"
        "    - name: http\n"
        "      port: 80\n"
        f"      targetPort: {r.choice([8080, 8443, 9090, 3000, 5000])}\n"
    )


def _configmap(r: random.Random, name: str, ns: str) -> str:
    keys = "".join(f'  key_{i}: "{r.randint(0, 10**6)}"\n' for i in range(r.randint(3, 8)))
    return (
        "apiVersion: v1\n"
        "kind: ConfigMap\n"
        "metadata:\n"
        f"  name: {name}-config\n"
        f"  namespace: {ns}\n"
        "data:\n"
        f"{keys}"
        "  settings.yaml: |\n"
        f"    retries: {r.randint(1, 5)}\n"
        f"    timeoutSeconds: {r.randint(5, 60)}\n"
        f"    upstream: http://{name}.{ns}.svc.cluster.local\n"
    )


def _service_account(r: random.Random, name: str, ns: str) -> str:
    return f"apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n  namespace: {ns}\n"


def _role(r: random.Random, name: str, ns: str) -> str:
    return (
        "apiVersion: rbac.authorization.k8s.io/v1\n"
        "kind: Role\n"
        "metadata:\n"
        f"  name: {name}-reader\n"
        f"  namespace: {ns}\n"
        "rules:\n"
        '  - apiGroups: [""]\n'
        '    resources: ["configmaps", "secrets"]\n'
        '    verbs: ["get", "list", "watch"]\n'
    )


_FILLERS = (_deployment, _service, _configmap, _service_account, _role)


# ----------------------------------------------------------------------------- EKS-A docs
def _mirror_block(errors: bool) -> list[str]:
    if errors:
        return [
            "  registryMirrorConfiguration:",
            '    port: "50x0"',
            '    authenticate: "maybe"',
            "    insecureSkipVerfy: true",
            "    ",
            "    ociNamespaces:",
            '      - registry: "public.ecr.aws"',
            '        namespace: ""',
        ]
    return [
        "  registryMirrorConfiguration:",
        "    endpoint: 10.0.0.21",
        '    port: "443"',
        "    authenticate: false",
        "    ",
        "    ociNamespaces:",
        '      - registry: "public.ecr.aws"',
        '        namespace: "eks-anywhere"',
    ]


def _cluster_doc(errors: bool) -> list[str]:
    return [
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1",
        "kind: Cluster",
        "metadata:",
        f"  name: {CLUSTER}",
        "spec:",
        '  kubernetesVersion: "1.31"',
        "  clusterNetwork:",
        "    cniConfig:",
        "      cilium: {}",
        "    pods:",
        "      cidrBlocks:",
        "        - 192.168.0.0/16",
        "    services:",
        "      cidrBlocks:",
        "        - 10.96.0.0/12",
        "  controlPlaneConfiguration:",
        "    count: 3",
        "    endpoint:",
        '      host: "10.0.0.10"',
        "    machineGroupRef:",
        "      kind: VSphereMachineConfig",
        f"      name: {CLUSTER}-cp",
        "  datacenterRef:",
        "    kind: VSphereDatacenterConfig",
        f"    name: {CLUSTER}",
        *_mirror_block(errors),
        "  workerNodeGroupConfigurations:",
        "    - count: 2",
        "      machineGroupRef:",
        "        kind: VSphereMachineConfig",
        f"        name: {CLUSTER}-worker",
        "      name: md-0",
    ]


def _datacenter_doc() -> list[str]:
    return [
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1",
        "kind: VSphereDatacenterConfig",
        "metadata:",
        f"  name: {CLUSTER}",
        "spec:",
        '  datacenter: "SDDC-Datacenter"',
        '  network: "/SDDC-Datacenter/network/sddc-cgw-network-1"',
        '  server: "vcenter.example.internal"',
        '  thumbprint: ""',
        "  insecure: false",
    ]


def _machine_doc(role: str, os_family: str) -> list[str]:
    return [
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1",
        "kind: VSphereMachineConfig",
        "metadata:",
        f"  name: {CLUSTER}-{role}",
        "spec:",
        '  datastore: "WorkloadDatastore"',
        "  diskGiB: 25",
        '  folder: "/SDDC-Datacenter/vm/eksa"',
        "  memoryMiB: 8192",
        "  numCPUs: 2",
        f"  osFamily: {os_family}",
        '  resourcePool: "*/Resources/Compute-ResourcePool"',
        "  users:",
        "    - name: ec2-user",
        "      sshAuthorizedKeys:",
        '        - "ssh-rsa AAAAB3NzaC1yc2E benchmark"',
    ]


def _lines(doc: str) -> int:
    return doc.count("\n")


def generate(lines: int = 5000, errors: bool = False, seed: int = 5) -> tuple[str, dict]:
    """Return (text, info). ``info`` has 0-based LSP positions and counts."""
    cluster = "\n".join(_cluster_doc(errors)) + "\n"
    eksa = [cluster, "\n".join(_datacenter_doc()) + "\n"]
    budget = lines - sum(_lines(d) for d in eksa) - len(eksa)
    companions = [
        "\n".join(_machine_doc("cp", "bottlerocket")) + "\n",
        "\n".join(_machine_doc("worker", "bottlerocket")) + "\n",
    ]
    for comp in companions:
        if budget >= _lines(comp) + 1:
            eksa.append(comp)
            budget -= _lines(comp) + 1
    r = random.Random(seed)
    filler: list[str] = []
    i = 0
    while True:
        name = f"{TEAMS[i % len(TEAMS)]}-{i // len(TEAMS)}"
        ns = NAMESPACES[i % len(NAMESPACES)]
        doc = _FILLERS[i % len(_FILLERS)](r, name, ns)
        if _lines(doc) + 1 > budget:
            break
        filler.append(doc)
        budget -= _lines(doc) + 1
        i += 1
    at = len(filler) // 2
    docs = filler[:at] + eksa + filler[at:]

    info: dict = {"documents": len(docs)}
    out: list[str] = []
    line = 0
    cluster_start = None
    for k, doc in enumerate(docs):
        if k:
            out.append("---\n")
            line += 1
        if doc is cluster:
            cluster_start = line
        out.append(doc)
        line += _lines(doc)
    text = "".join(out)
    info["lines"] = text.count("\n")
    assert cluster_start is not None
    cl = _cluster_doc(errors)

    def find(prefix: str) -> int:
        return cluster_start + next(i for i, s in enumerate(cl) if s.startswith(prefix))

    rmc = find("  registryMirrorConfiguration:")
    info["cluster_line"] = cluster_start + 1
    info["rmc_key"] = {"line": rmc, "character": 4}
    port = find("    port:")
    info["port_key"] = {"line": port, "character": 5}
    info["blank_in_rmc"] = {"line": rmc + 4, "character": 4}
    assert cl[rmc - cluster_start + 4] == "    "
    # Where typing happens. In the mirror block: after the last character of the
    # ociNamespaces namespace value (inside the quotes), so the text stays valid YAML
    # and the value stays a string. Elsewhere: in a ConfigMap value of a filler document
    # a quarter into the file (in the 50-line file: the datacenter document).
    ns_line = find('        namespace: "') if not errors else find('        namespace: ""')
    info["mirror_edit"] = {"line": ns_line, "character": len(cl[ns_line - cluster_start]) - 1}
    all_lines = text.split("\n")
    target = len(all_lines) // 4
    other = None
    for ln in range(target, len(all_lines)):
        s = all_lines[ln]
        if s.startswith("  key_") and s.endswith('"'):
            other = {"line": ln, "character": len(s) - 1}
            break
    if other is None or not filler:
        dc = text.index("kind: VSphereDatacenterConfig")
        dc_line = text.count("\n", 0, dc)
        ln = next(i for i in range(dc_line, len(all_lines)) if all_lines[i].startswith("  server:"))
        other = {"line": ln, "character": len(all_lines[ln]) - 1}
    info["other_edit"] = other
    info["other_edit_in_cluster_doc"] = cluster_start <= other["line"] < cluster_start + len(cl)
    return text, info


def cluster_text(lines: int = 5000, errors: bool = False) -> str:
    return generate(lines, errors)[0]


# ----------------------------------------------------------------------------- tree
def spec_text(i: int, r: random.Random) -> str:
    """One single-document Cluster spec; about 1 in 8 has a mirror mistake."""
    bad = i % 8 == 7
    endpoint = f"10.{r.randint(0, 254)}.{r.randint(0, 254)}.{r.randint(1, 254)}"
    if bad:
        mirror = [
            "  registryMirrorConfiguration:",
            f"    endpoint: https://{endpoint}:5000",
            f"    port: {r.choice([443, 5000, 8443])}",
            '    authenticate: "true"',
        ]
    else:
        mirror = [
            "  registryMirrorConfiguration:",
            f"    endpoint: {endpoint}",
            f'    port: "{r.choice([443, 5000, 8443])}"',
            f"    authenticate: {r.choice(['false', 'false', 'true'])}",
            "    ociNamespaces:",
            '      - registry: "public.ecr.aws"',
            '        namespace: "eks-anywhere"',
        ]
    name = f"c{i:05d}"
    lines = [
        "apiVersion: anywhere.eks.amazonaws.com/v1alpha1",
        "kind: Cluster",
        "metadata:",
        f"  name: {name}",
        "spec:",
        f'  kubernetesVersion: "1.{r.randint(28, 32)}"',
        "  clusterNetwork:",
        "    cniConfig:",
        "      cilium: {}",
        "    pods:",
        "      cidrBlocks: [192.168.0.0/16]",
        "    services:",
        "      cidrBlocks: [10.96.0.0/12]",
        "  controlPlaneConfiguration:",
        f"    count: {r.choice([1, 3])}",
        "    endpoint:",
        f"      host: 10.1.{r.randint(0, 254)}.{r.randint(1, 254)}",
        "    machineGroupRef:",
        "      kind: VSphereMachineConfig",
        f"      name: {name}-cp",
        "  datacenterRef:",
        "    kind: VSphereDatacenterConfig",
        f"    name: {name}",
        *mirror,
        "  workerNodeGroupConfigurations:",
        f"    - count: {r.randint(1, 5)}",
        "      machineGroupRef:",
        "        kind: VSphereMachineConfig",
        f"        name: {name}-worker",
        "      name: md-0",
    ]
    return "\n".join(lines) + "\n"


def write_tree(root: Path, count: int, seed: int = 7) -> list[Path]:
    r = random.Random(seed)
    paths = []
    for i in range(count):
        folder = root / f"team-{i // 10:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        p = folder / f"cluster-{i:05d}.yaml"
        p.write_text(spec_text(i, r), encoding="utf-8")
        paths.append(p)
    return paths


def write_cluster(path: Path, lines: int, errors: bool = False) -> dict:
    text, info = generate(lines, errors)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return info


def code_version() -> dict:
    """The commit the benchmark ran on, and whether server/ or schema/ had local changes."""
    import subprocess

    root = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--", "server", "schema")),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    c = sub.add_parser("cluster", help="one multi-document cluster file")
    c.add_argument("-o", "--output", required=True)
    c.add_argument("--lines", type=int, default=5000)
    c.add_argument("--errors", action="store_true", help="invalid mirror block")
    c.add_argument("--positions", help="write the 0-based LSP positions here (JSON)")
    s = sub.add_parser("small", help="a 50-line cluster file (Cluster + datacenter config)")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--positions")
    t = sub.add_parser("tree", help="a folder tree of single-document Cluster specs")
    t.add_argument("-o", "--output", required=True)
    t.add_argument("--count", type=int, default=1000)
    a = ap.parse_args(argv)
    if a.what == "tree":
        paths = write_tree(Path(a.output), a.count)
        print(json.dumps({"files": len(paths)}))
        return 0
    lines = 50 if a.what == "small" else a.lines
    info = write_cluster(Path(a.output), lines, getattr(a, "errors", False))
    if a.positions:
        Path(a.positions).write_text(json.dumps(info, indent=2), encoding="utf-8")
    print(json.dumps(info), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
