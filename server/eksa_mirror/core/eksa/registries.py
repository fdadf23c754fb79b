"""Upstream registries EKS Anywhere knows about (reference section 4.3)."""

from __future__ import annotations

import re

#: The account of the curated packages before the regional ones, and its registry (us-west-2).
LEGACY_PACKAGES_ACCOUNT = "783794618700"
LEGACY_PACKAGES = f"{LEGACY_PACKAGES_ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com"
#: EKS-A's ``DefaultCuratedPackagesRegistryRegex`` (unanchored, any region of the account).
CURATED_PACKAGES_LEGACY = re.compile(rf"{LEGACY_PACKAGES_ACCOUNT}\.dkr\.ecr\..*\.amazonaws\.com")

#: Regional curated-packages accounts by region (``prodRegionalPrivateRegistryURIByRegion``).
_REGIONAL_ACCOUNTS = {
    "af-south-1": "783635962247", "ap-east-1": "804323328300", "ap-northeast-1": "143143237519",
    "ap-northeast-2": "447311122189", "ap-northeast-3": "376465423944",
    "ap-south-1": "357015164304", "ap-south-2": "388483641499", "ap-southeast-1": "654894141437",
    "ap-southeast-2": "299286866837", "ap-southeast-3": "703305448174",
    "ap-southeast-4": "106475008004", "ap-southeast-5": "396913739932",
    "ap-southeast-7": "141666480881", "ca-central-1": "064352486547",
    "ca-west-1": "571600859530", "eu-central-1": "364992945014", "eu-central-2": "551422459769",
    "eu-north-1": "826441621985", "eu-south-1": "787863792200", "eu-south-2": "127214161500",
    "eu-west-1": "090204409458", "eu-west-2": "371148654473", "eu-west-3": "282646289008",
    "il-central-1": "131750224677", "me-central-1": "454241080883",
    "me-south-1": "158698011868", "mx-central-1": "295916874491", "sa-east-1": "517745584577",
    "us-east-1": "331113665574", "us-east-2": "297090588151", "us-west-1": "440460740297",
    "us-west-2": "346438352937",
}  # fmt: skip

#: ``<account>.dkr.ecr.<region>.amazonaws.com`` → region.
REGIONAL_PACKAGES: dict[str, str] = {
    f"{account}.dkr.ecr.{region}.amazonaws.com": region
    for region, account in _REGIONAL_ACCOUNTS.items()
}

#: Namespaces the EKS-A docs use in ``ociNamespaces`` examples.
DOC_NAMESPACES = ("", "eks-anywhere")
