"""``model``: the effective mirror configuration of a Cluster, keys matched as EKS-A's
decoder matches them (case folded)."""

from __future__ import annotations

from eksa_mirror.core.mirror import OCINamespace
from eksa_mirror.core.model import load_mirror_config
from support import cluster


def test_keys_in_any_case_are_read() -> None:
    config = load_mirror_config(
        cluster(
            'Endpoint: r.local\nPORT: "5000"\nAuthenticate: true\nInsecureSkipVerify: true\n'
            "ociNamespaces:\n- Registry: public.ecr.aws\n  NameSpace: eks"
        )
    )
    assert config is not None
    assert (config.endpoint, config.port) == ("r.local", "5000")
    assert (config.authenticate, config.insecure_skip_verify) == (True, True)
    assert config.oci_namespaces == (OCINamespace("public.ecr.aws", "eks"),)
