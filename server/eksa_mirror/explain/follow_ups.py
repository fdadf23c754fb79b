"""The steps a mirror change needs beyond applying the spec, where EKS-A's code shows that
nothing else takes them: the curated packages controller keeps the old mirror settings and
CA (aws/eks-anywhere#7114). The sources each rests on: docs/check.md ("What a change needs
afterwards")."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.mirror import MirrorConfig
from eksa_mirror.explain.changes import Side

#: ``eksctl anywhere upgrade cluster`` reinstalls the packages controller when the mirror
#: changed (aws/eks-anywhere#7881, ``upgradeCuratedPackagesTask``).
PACKAGES_UPGRADE_SINCE = releases.v("v0.20.0")
CRED = "eksa-packages/registry-mirror-cred"


@dataclass(frozen=True)
class FollowUp:
    """One step: a stable ``id``, what to do and why, and the command when there is one."""

    id: str
    text: str
    command: str = ""


def _key(config: MirrorConfig | None) -> tuple[object, ...] | None:
    """EKS-A's ``RegistryMirrorConfiguration.Equal`` (namespaces compared as a multiset)."""
    if config is None:
        return None
    namespaces = Counter((e.registry, e.namespace) for e in config.oci_namespaces)
    return (
        config.endpoint,
        config.port,
        config.ca_cert_content,
        config.insecure_skip_verify,
        config.authenticate,
        tuple(sorted(namespaces.items())),
    )


def _where(new: Side) -> str:
    where = new.cluster if new.self_managed else new.management_cluster
    return f"on the management cluster {where}" if where else "on the management cluster"


def _mirror_secret(old: Side, new: Side) -> list[FollowUp]:
    if not new.self_managed or _key(old.config) == _key(new.config):
        return []
    version = new.view.release if new.view is not None else ""
    parsed = releases.parse_version(version) if version else None
    cli = (
        "eksctl anywhere upgrade cluster does not update it before v0.20.0 either"
        if parsed is not None and parsed < PACKAGES_UPGRADE_SINCE
        else "only eksctl anywhere upgrade cluster (v0.20.0 and later) reinstalls the"
        " controller with the new settings, and only when the running cluster's mirror"
        " still differs from the file"
    )
    name = new.cluster or "this cluster"
    return [
        FollowUp(
            "packages-mirror-settings",
            f"If curated packages are installed: the packages controller of {name} keeps the"
            " old mirror settings (Secret"
            " eksa-packages/registry-mirror-secret: ENDPOINT, CACERTCONTENT, INSECURE). EKS-A's"
            " controller leaves a self-managed cluster's packages to the CLI, so a change"
            f" applied with GitOps or kubectl does not reach them; {cli}. Apply the change"
            " with eksctl anywhere upgrade cluster -f SPEC, or update that Secret by hand.",
        )
    ]


def _ca_key(old: Side, new: Side) -> list[FollowUp]:
    before = old.config.ca_cert_content if old.config else ""
    after = new.config.ca_cert_content if new.config else ""
    if not before or before == after or new.config is None:
        return []  # a CA that is new: the controller adds the missing key from the Secret
    key = f"{new.cluster or '<cluster>'}_ca.crt"
    why = (
        f"key {key} of Secret {CRED} {_where(new)} is what the packages controller trusts the"
        " mirror with; the controller writes it only when it is missing, and only the ECR"
        " token refresher (which runs where AWS credentials were given) rewrites it"
    )
    if not after:
        return [
            FollowUp(
                "packages-ca",
                f"If curated packages are installed: {why}. The CA is"
                " removed, so delete that key, or the controller keeps trusting only"
                " the old CA.",
                f"kubectl -n eksa-packages patch secret registry-mirror-cred --type json"
                f' -p \'[{{"op":"remove","path":"/data/{key}"}}]\'',
            )
        ]
    return [
        FollowUp(
            "packages-ca",
            f"If curated packages are installed: {why}. Put the new CA there, or package"
            " installs fail with x509: certificate signed by unknown authority.",
            f"kubectl -n eksa-packages patch secret registry-mirror-cred --type merge"
            f' -p "{{\\"data\\":{{\\"{key}\\":\\"$(base64 -w0 < new-ca.pem)\\"}}}}"',
        )
    ]


def _insecure_key(old: Side, new: Side) -> list[FollowUp]:
    before = old.config is not None and old.config.insecure_skip_verify
    after = new.config is not None and new.config.insecure_skip_verify
    if before == after or new.config is None:
        return []
    key = f"{new.cluster or '<cluster>'}_insecure"
    if after:
        step, patch = "add it", f'--type merge -p \'{{"data":{{"{key}":"dHJ1ZQ=="}}}}\''
    else:
        step, patch = "delete it", f'--type json -p \'[{{"op":"remove","path":"/data/{key}"}}]\''
    return [
        FollowUp(
            "packages-insecure",
            f"If curated packages are installed: the packages controller skips TLS verification"
            f" when Secret {CRED} {_where(new)} has key {key}, which only the ECR token"
            f" refresher writes: {step}.",
            f"kubectl -n eksa-packages patch secret registry-mirror-cred {patch}",
        )
    ]


def follow_ups(old: Side, new: Side) -> tuple[FollowUp, ...]:
    """The steps the change from ``old`` to ``new`` needs after it is applied (none for a
    cluster the old version does not have: its packages are installed with the new spec)."""
    if not new.packages or not old.cluster or not (old.config or new.config):
        return ()
    return tuple(_mirror_secret(old, new) + _ca_key(old, new) + _insecure_key(old, new))
