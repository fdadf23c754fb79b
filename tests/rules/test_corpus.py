"""Real EKS Anywhere test files: each gives exactly the findings its README row predicts.

The corpus lives next to the repository, in ``../shared/corpus/eksa-testdata/`` (see its
README.md); where it is absent (a fresh clone) these tests skip, and ``test_specs.py`` covers
the same ground with the project's own files. For each file the expectation is split in two:

- ``eksa``: what EKS Anywhere's own static validation rejects (the linter must say it too);
- ``linter``: what the README's "linter should also report" column lists;
- ``also``: findings beyond the README row, each justified in a comment (the same fact the
  README reports for another file, or a rule of reference section 8 the row does not cover).

Items are ``(code, 1-based line)``; the union must equal the file's findings exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pytest

from eksa_mirror.rules.analysis import Options, analyze
from support import SHARED

CORPUS = SHARED / "corpus" / "eksa-testdata"

Item = tuple[str, int]

#: Certificates are judged at the corpus date (the SHA-1 test CA expires in 2031).
OPTIONS = Options(now=datetime(2026, 8, 18, tzinfo=timezone.utc))


@dataclass(frozen=True)
class Outcome:
    eksa_accepts: bool
    eksa: tuple[Item, ...] = ()
    linter: tuple[Item, ...] = ()
    also: tuple[Item, ...] = field(default=())

    @property
    def all(self) -> list[Item]:
        return sorted(self.eksa + self.linter + self.also)


EXPECTED: dict[str, Outcome] = {
    # rejects: registry can't be set to empty in OCINamespaces. The README also asks for
    # "ociNamespaces lacks public.ecr.aws", but the one entry has no registry at all: it may be
    # the public.ecr.aws one (its namespace is eks-anywhere), so RM010 would be a second
    # finding for the same problem (one problem, one finding).
    "pkg__api__v1alpha1__testdata__invalid_registry.yaml": Outcome(
        eksa_accepts=False, eksa=(("RM003", 9),)
    ),
    # accepts | port integer; insecureSkipVerify warning; CA together with insecureSkipVerify
    "pkg__providers__nutanix__testdata__eksa-cluster-registry-mirror.yaml": Outcome(
        eksa_accepts=True,
        linter=(("RM008", 35), ("RM019", 40)),  # one finding: insecure, and the CA unused
        # authenticate: true needs REGISTRY_USERNAME/PASSWORD (as the README says for vSphere auth)
        also=(("RM016", 39),),
    ),
    # accepts | port integer
    "pkg__providers__tinkerbell__testdata__cluster_tinkerbell_bottlerocket_minimal_registry_mirror.yaml": Outcome(  # noqa: E501
        eksa_accepts=True,
        linter=(("RM008", 45),),
        # RM022: the TinkerbellDatacenterConfig has neither hookImagesURLPath nor osImageURL
        also=(("RM022", 43),),
    ),
    # accepts | port integer
    "pkg__providers__vsphere__testdata__cluster_mirror_config.yaml": Outcome(
        eksa_accepts=True, linter=(("RM008", 38),)
    ),
    # accepts statically | nothing about the SHA-1 CA (a root's signature is never verified)
    "pkg__providers__vsphere__testdata__cluster_mirror_with_cert_config.yaml": Outcome(
        eksa_accepts=True,
        also=(("RM008", 38),),  # port: 1234 unquoted, as in every vSphere file
    ),
    # accepts statically | authenticate needs REGISTRY_USERNAME / REGISTRY_PASSWORD; nothing
    # about the SHA-1 CA
    "pkg__providers__vsphere__testdata__cluster_mirror_with_auth_config.yaml": Outcome(
        eksa_accepts=True,
        linter=(("RM016", 39),),
        also=(("RM008", 38),),  # port: 1234 unquoted
    ),
    # accepts (v0.20+) | port integer
    "pkg__providers__vsphere__testdata__cluster_bottlerocket_mirror_config_multiple_ocinamespaces.yaml": Outcome(  # noqa: E501
        eksa_accepts=True, linter=(("RM008", 38),)
    ),
    # accepts | Docker not in the support table; nothing about the SHA-1 CA
    "pkg__providers__docker__testdata__cluster_mirror_with_auth_config.yaml": Outcome(
        eksa_accepts=True,
        linter=(("RM020", 28),),
        also=(("RM008", 30), ("RM016", 31)),  # port: 1234 unquoted; authenticate: true
    ),
    # accepts | port integer; the double-quoted CA with \n escapes parses (no RM014)
    "pkg__providers__tinkerbell__testdata__cluster_tinkerbell_stacked_upgrade_registry_mirror.yaml": Outcome(  # noqa: E501
        eksa_accepts=True,
        linter=(("RM008", 45),),
        # RM022: osImageURL is set on the datacenter, hookImagesURLPath is not
        also=(("RM022", 43),),
    ),
    # accepts (port defaults to 443) | CloudStack deprecated / not in the table; nothing about
    # the SHA-1 CA
    "pkg__providers__cloudstack__testdata__cluster_mirror_with_cert_config.yaml": Outcome(
        eksa_accepts=True, linter=(("RM020", 36),)
    ),
}

#: What EKS-A's static validation (validateMirrorConfig) rejects, by rule.
EKSA_STATIC_CODES = {"RM001", "RM002", "RM003", "RM004"}


def _corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(
            "the EKS Anywhere test-data corpus lies only beside the project's workspace "
            "(../shared/corpus/eksa-testdata); tests/rules/test_specs.py covers the same ground"
        )
    return CORPUS


def test_corpus_files_match_the_table() -> None:
    names = sorted(p.name for p in _corpus().glob("*.yaml"))
    assert names == sorted(EXPECTED), "a corpus file was added or removed: update EXPECTED"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    text = (_corpus() / name).read_text(encoding="utf-8")
    found = analyze(text, OPTIONS).findings
    assert sorted((f.code, f.span.start.line + 1) for f in found) == EXPECTED[name].all
    outcome = EXPECTED[name]
    static_errors = [f.code for f in found if f.code in EKSA_STATIC_CODES]
    assert (not static_errors) is outcome.eksa_accepts
    assert sorted(static_errors) == sorted(code for code, _ in outcome.eksa)


def test_invalid_registry_message_is_eksas() -> None:
    text = (_corpus() / "pkg__api__v1alpha1__testdata__invalid_registry.yaml").read_text()
    messages = [f.message for f in analyze(text, OPTIONS).findings if f.code == "RM003"]
    assert messages == ["registry can't be set to empty in OCINamespaces"]


def test_the_sha1_test_ca_is_accepted() -> None:
    """EKS-A's CN=test.local CA is signed with SHA-1 and is a root: never a finding."""
    for name in EXPECTED:
        text = (_corpus() / name).read_text()
        if "caCertContent" in text:
            codes = [f.code for f in analyze(text, OPTIONS).findings]
            assert "RM015" not in codes and "RM014" not in codes, name
