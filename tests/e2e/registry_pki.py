"""The certificates of the end-to-end registry tests: one test CA and what it issued.

``Pki`` is the ``pki`` fixture of ``conftest.py`` (one per session). Each certificate is made
the first time a test asks for it, so a run of one test module makes only what it uses.
Most registries serve ``pki.server`` (127.0.0.1, issued by ``pki.ca``); the others are the
faults ``check`` and the Go oracle tell apart (``test_check_tls_go.py``,
``test_registry_check.py``). A scenario's one-off certificate is made where it is used.
"""

from __future__ import annotations

from functools import cached_property

from support import EXPIRED_FROM, EXPIRED_UNTIL, Cert, issue

#: The address every test registry listens on.
LOOPBACK = ("127.0.0.1",)


class Pki:
    """The test CA and the certificates it issued, each made on first use."""

    @cached_property
    def ca(self) -> Cert:
        return issue("eksa-mirror test CA", ca=True)

    @cached_property
    def server(self) -> Cert:
        """The server certificate of most test registries: 127.0.0.1, by ``ca``."""
        return issue("127.0.0.1", self.ca, ips=LOOPBACK)

    @cached_property
    def unrelated_ca(self) -> Cert:
        """A CA that issued none of these: the wrong ``caCertContent``."""
        return issue("unrelated CA", ca=True)

    @cached_property
    def wrong_name(self) -> Cert:
        return issue("registry.other.test", self.ca, dns=("registry.other.test",))

    @cached_property
    def expired_server(self) -> Cert:
        return issue(
            "127.0.0.1", self.ca, ips=LOOPBACK, not_before=EXPIRED_FROM, not_after=EXPIRED_UNTIL
        )

    @cached_property
    def sha1_server(self) -> Cert:
        return issue("127.0.0.1", self.ca, ips=LOOPBACK, sha1=True)

    @cached_property
    def intermediate(self) -> Cert:
        return issue("eksa-mirror test intermediate", self.ca, ca=True)

    @cached_property
    def under_intermediate(self) -> Cert:
        """127.0.0.1, by ``intermediate``."""
        return issue("leaf", self.intermediate, ips=LOOPBACK)

    @cached_property
    def sha1_intermediate(self) -> Cert:
        return issue("SHA-1 intermediate", self.ca, ca=True, sha1=True)

    @cached_property
    def under_sha1_intermediate(self) -> Cert:
        """127.0.0.1, by ``sha1_intermediate``."""
        return issue("leaf", self.sha1_intermediate, ips=LOOPBACK)

    @cached_property
    def sha1_ca(self) -> Cert:
        return issue("SHA-1 root", ca=True, sha1=True)

    @cached_property
    def expired_ca(self) -> Cert:
        return issue("Expired root", ca=True, not_before=EXPIRED_FROM, not_after=EXPIRED_UNTIL)
