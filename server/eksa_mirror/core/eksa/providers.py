"""The EKS Anywhere providers, one row each: a Cluster's ``datacenterRef.kind``, the
machine config kind it references, the OS family when ``osFamily`` is empty, its names in
messages, and what its nodes get of the mirror (docs/rules.md: RM017, RM018, RM020).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Provider:
    """One provider's facts for the mirror section."""

    kind: str
    machine_kind: str
    #: The OS family of a machine config without ``osFamily`` ("" when EKS-A requires one).
    default_os: str
    #: The name ``explain`` shows.
    title: str
    #: The name in the registry mirror support table ("" when it is not in the table).
    table_name: str = ""
    #: Why the provider is not in the support table (RM020), "" when it is.
    unsupported: str = ""
    #: Its Bottlerocket nodes get the ``public.ecr.aws`` mirror only.
    bottlerocket_public_only: bool = False
    #: Its Ubuntu/RHEL containerd files carry no registry credentials.
    no_auth_header: bool = False


_ROWS = (
    Provider("VSphereDatacenterConfig", "VSphereMachineConfig", "bottlerocket", "vSphere",
             table_name="vSphere"),
    Provider("TinkerbellDatacenterConfig", "TinkerbellMachineConfig", "",
             "Bare Metal (Tinkerbell)", table_name="Bare Metal", bottlerocket_public_only=True),
    Provider("NutanixDatacenterConfig", "NutanixMachineConfig", "ubuntu", "Nutanix",
             table_name="Nutanix"),
    Provider("SnowDatacenterConfig", "SnowMachineConfig", "", "Snow", table_name="Snow",
             bottlerocket_public_only=True, no_auth_header=True),
    Provider("CloudStackDatacenterConfig", "CloudStackMachineConfig", "", "CloudStack",
             unsupported="CloudStack is deprecated (v0.26) and was removed from the registry "
             "mirror support table", no_auth_header=True),
    Provider("DockerDatacenterConfig", "", "", "Docker",
             unsupported="Docker is a development provider and is not in the registry mirror "
             "support table"),
)  # fmt: skip

#: ``datacenterRef.kind`` → its provider.
PROVIDERS: dict[str, Provider] = {row.kind: row for row in _ROWS}
#: Providers whose Bottlerocket nodes only get the public.ecr.aws mirror.
BOTTLEROCKET_PUBLIC_ONLY = frozenset(r.kind for r in _ROWS if r.bottlerocket_public_only)
#: Providers whose Ubuntu/RHEL containerd files carry no credentials.
NO_AUTH_HEADER = frozenset(r.kind for r in _ROWS if r.no_auth_header)
#: OS families whose nodes run containerd with files EKS-A writes (not Bottlerocket).
CONTAINERD_FAMILIES = frozenset({"ubuntu", "redhat"})
