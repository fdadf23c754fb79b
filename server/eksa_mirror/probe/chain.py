"""The certificate chain a registry serves, read from a TLS 1.2 handshake.

``served_chain`` runs a handshake through memory buffers and parses the server's clear-text
``Certificate`` message, so a failed verification can name the intermediate at fault. Nothing
is verified, the handshake is never finished, at most ``MAX_BYTES`` are read; a TLS 1.3-only
server gives ``None``. Why: docs/check.md ("How check is built").
"""

from __future__ import annotations

import ssl

from eksa_mirror.probe.net import Deadline, NetError, connect

MAX_BYTES = 256 * 1024
_HANDSHAKE = 22
_CERTIFICATE = 11


def parse_certificates(records: bytes) -> list[bytes] | None:
    """The DER certificates of the first ``Certificate`` message in ``records``.

    ``records`` are TLS records as received; ``None`` while the message is incomplete
    or when the bytes are not TLS handshake records.
    """
    stream = bytearray()
    at = 0
    while at + 5 <= len(records):
        kind, length = records[at], int.from_bytes(records[at + 3 : at + 5], "big")
        payload = records[at + 5 : at + 5 + length]
        if len(payload) < length:
            break
        at += 5 + length
        if kind != _HANDSHAKE:
            break
        stream += payload
    return _certificate_message(bytes(stream))


def _certificate_message(stream: bytes) -> list[bytes] | None:
    at = 0
    while at + 4 <= len(stream):
        kind, length = stream[at], int.from_bytes(stream[at + 1 : at + 4], "big")
        body = stream[at + 4 : at + 4 + length]
        if len(body) < length:
            return None
        if kind == _CERTIFICATE:
            return _certificate_list(body)
        at += 4 + length
    return None


def _certificate_list(body: bytes) -> list[bytes] | None:
    if len(body) < 3:
        return None
    total = int.from_bytes(body[:3], "big")
    data, at, certs = body[3 : 3 + total], 0, []
    while at + 3 <= len(data):
        length = int.from_bytes(data[at : at + 3], "big")
        cert = data[at + 3 : at + 3 + length]
        if len(cert) < length:
            return None
        certs.append(bytes(cert))
        at += 3 + length
    return certs


def _tls12_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def served_chain(endpoint: str, port: int, deadline: Deadline) -> list[bytes] | None:
    """The certificates ``endpoint:port`` sends in a TLS 1.2 handshake (``None``: unknown)."""
    try:
        sock = connect(endpoint, port, deadline.budget())
    except NetError:
        return None
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = _tls12_context().wrap_bio(incoming, outgoing, server_hostname=endpoint)
    received = bytearray()
    try:
        budget = deadline.budget()
        while len(received) < MAX_BYTES:
            try:
                tls.do_handshake()
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLError:
                pass
            sock.sendall(outgoing.read())
            found = parse_certificates(bytes(received))
            if found is not None:
                return found
            sock.settimeout(budget.left())
            chunk = sock.recv(65536)
            if not chunk:
                return None
            received += chunk
            incoming.write(chunk)
        return None
    except (OSError, NetError):
        return None
    finally:
        sock.close()
