"""Cross-document rules: what the provider and the machines' OS families make of the mirror."""

from __future__ import annotations

from yaml.nodes import ScalarNode, SequenceNode

from eksa_mirror.core.eksa import releases
from eksa_mirror.core.eksa.providers import BOTTLEROCKET_PUBLIC_ONLY, PROVIDERS
from eksa_mirror.core.known import root
from eksa_mirror.core.mirror import PUBLIC_ECR
from eksa_mirror.core.model import ClusterModel, true_flag
from eksa_mirror.core.source import get_item, get_value, scalar_text
from eksa_mirror.rules.checks.versions import target_of
from eksa_mirror.rules.context import Check, pointer
from eksa_mirror.rules.registry import INFO, E, W, declare

declare(
    "RM005",
    "insecure-skip-verify-bottlerocket",
    E,
    "`insecureSkipVerify` with Bottlerocket",
    since="v0.15.0",
)
declare(
    "RM017",
    "authenticate-no-effect",
    W,
    "`authenticate` has no node effect on this provider",
    since="v0.12.0",
)
declare(
    "RM018",
    "bottlerocket-mapping-ignored",
    W,
    "mapping ignored by Bottlerocket on this provider",
    since="v0.13.0",
)
declare(
    "RM020",
    "provider-unsupported",
    INFO,
    "provider outside the mirror support table",
    since="v0.6.0",
)
declare(
    "RM022",
    "tinkerbell-airgap-images",
    INFO,
    "bare metal mirror without hook/OS image URLs",
    since="v0.12.0",
)


def _true(check: Check, key: str) -> ScalarNode | None:
    pair = true_flag(check.model.mirror, key)
    return None if pair is None else pair[1]


def check_providers(check: Check) -> None:
    model = check.model
    kind = model.datacenter_kind
    key = model.mirror_key
    assert key is not None
    insecure = _true(check, "insecureSkipVerify")
    if insecure is not None and _refused_by_release(check) is False:
        bottlerocket = model.bottlerocket_machines()  # None: unknown
        if bottlerocket:
            first = bottlerocket[0]
            spelled = (
                ""
                if first.document is None
                else scalar_text(get_value(get_value(first.document.root, "spec"), "osFamily"))
            )
            how = (
                "has osFamily: bottlerocket"
                if spelled
                else "has no osFamily, which defaults to bottlerocket"
            )
            check.emit(
                "RM005",
                f"InsecureSkipVerify is not supported for bottlerocket ({first.kind} "
                f"{first.name} {how}); only Ubuntu and RHEL nodes can skip verification",
                check.span(insecure),
                pointer("insecureSkipVerify"),
            )
    auth = _true(check, "authenticate")
    if auth is not None:
        _authenticate_no_effect(check, auth)
    if kind is None:
        return  # the datacenterRef may sit under a masked line
    provider = PROVIDERS.get(kind)
    if kind in BOTTLEROCKET_PUBLIC_ONLY and model.has_bottlerocket():
        _bottlerocket_mappings(check, PROVIDERS[kind].table_name)
    if provider is not None and provider.unsupported:
        check.emit("RM020", provider.unsupported, check.span(key), pointer())
    if kind == "TinkerbellDatacenterConfig":
        _tinkerbell_images(check)


def _refused_by_release(check: Check) -> bool | None:
    """Whether the target release refuses insecureSkipVerify outside Snow altogether (RM028,
    before v0.15.0): then that is the one finding, and RM005 would say it again. ``None``
    when the release or the provider may sit under a masked line."""
    kind = check.model.datacenter_kind
    target = target_of(check)
    if target is None or kind is None:
        return None
    version = target.version
    return (
        bool(kind)
        and kind != "SnowDatacenterConfig"
        and (releases.INSECURE_SKIP_VERIFY_SINCE <= version < releases.INSECURE_ALL_PROVIDERS)
    )


def _authenticate_no_effect(check: Check, auth: ScalarNode) -> None:
    """RM017: CloudStack nodes, and Snow's Ubuntu nodes, get no registry credentials.

    Bottlerocket nodes do, on Snow too: CAPI's bootstrap writes them from the
    registry-credentials Secret. So on Snow the finding needs a node known to be Ubuntu.
    """
    kind = check.model.datacenter_kind
    if kind == "CloudStackDatacenterConfig":
        nodes = "CloudStack nodes"
    elif kind == "SnowDatacenterConfig":
        ubuntu = [m for m in check.model.machines if m.os_family == "ubuntu"]
        if not ubuntu or not check.model.families_known:
            return  # none, or the first may be a machine whose OS family was masked
        nodes = f"Snow's Ubuntu nodes ({ubuntu[0].kind} {ubuntu[0].name} is ubuntu)"
    else:
        return
    check.emit(
        "RM017",
        f"authenticate: true has no effect on {nodes}: EKS-A renders no registry credentials "
        "into their containerd configuration, so authenticated pulls fail",
        check.span(auth),
        pointer("authenticate"),
    )


def _bottlerocket_mappings(check: Check, provider: str) -> None:
    pair = get_item(check.model.mirror, "ociNamespaces", fold_case=True)
    if pair is None or not isinstance(pair[1], SequenceNode):
        return
    listed = check.mirror_scope.child("ociNamespaces", fold_case=True).entries()
    for index, entry in enumerate(listed.items):
        registry = entry.get("registry", fold_case=True).pair
        if registry is None or not isinstance(registry[1], ScalarNode):
            continue
        if not listed.index_known(index):
            continue
        value = registry[1].value
        if value and value != PUBLIC_ECR:
            check.emit(
                "RM018",
                f"Bottlerocket nodes on {provider} only use the public.ecr.aws mirror: the mapping "
                f'for "{value}" is ignored on them and those images are pulled from the internet',
                check.span(registry[1]),
                pointer("ociNamespaces", index, "registry"),
            )


def _tinkerbell_images(check: Check) -> None:
    model = check.model
    if model.datacenter_doc is None:
        return
    dc_spec = root(model.datacenter_doc.parsed).child("spec")
    hook = dc_spec.text("hookImagesURLPath")
    os_image = dc_spec.text("osImageURL")
    if not os_image and os_image is not None:
        os_image = _machine_os_image(model)
    if hook is None or os_image is None:
        return  # a masked line may hold it
    missing = [
        name for name, value in (("hookImagesURLPath", hook), ("osImageURL", os_image)) if not value
    ]
    if not missing:
        return
    key = model.mirror_key
    assert key is not None
    check.emit(
        "RM022",
        f"air-gapped bare metal needs {' and '.join(missing)} in the TinkerbellDatacenterConfig "
        "(osImageURL may also be set per machine config): the hook and OS images are not pulled "
        "through the registry mirror",
        check.span(key),
        pointer(),
    )


def _machine_os_image(model: ClusterModel) -> str | None:
    """The first ``osImageURL`` of the Cluster's machine configs ("" if none has one);
    ``None`` when a machine or its ``osImageURL`` may sit under a masked line."""
    if not model.machines_known:
        return None
    for machine in model.machines:
        if machine.document is None:
            if machine.os_family is None:
                return None
            continue
        found = root(machine.document.parsed).child("spec").text("osImageURL")
        if found != "":
            return found
    return ""
