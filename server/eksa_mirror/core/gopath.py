"""Go's ``filepath.Join`` and the ``url.Parse``/``URL.String`` round trip, as EKS Anywhere
uses them to build mirror endpoints (``registrymirror.go`` and ``containerd/utils.go``).

Only what those two call sites can reach is modelled: a scheme-less ``host[:port][/path]``
(see ``to_api_endpoint``), Go's parse errors, and the path re-escaping of ``URL.String``.
"""

from __future__ import annotations

import ipaddress
import posixpath
import re

_HEX = "0123456789ABCDEF"
#: Bytes ``URL.EscapedPath`` leaves alone (Go ``shouldEscape`` in ``encodePath`` mode).
_PATH_SAFE = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~$&+,/:;=@"
)
#: Bytes ``URL.EscapedFragment`` leaves alone (``shouldEscape`` in ``encodeFragment`` mode).
_FRAGMENT_SAFE = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~$&+,/:;=?@!()*"
)
#: Bytes a fragment as written may hold and still be printed as written (Go ``validEncoded``).
_FRAGMENT_AS_WRITTEN = _FRAGMENT_SAFE | frozenset(b"'[]%")
#: ASCII bytes Go accepts in a host name (besides letters and digits).
_HOST_SAFE = frozenset(b"-_.~!$&'()*+,;=:[]<>\"%")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


class ParseError(ValueError):
    """``url.Parse`` would return an error."""


def clean(path: str) -> str:
    """Go ``path.Clean``: like ``posixpath.normpath`` but a leading ``//`` becomes ``/``."""
    cleaned = posixpath.normpath(path) if path else "."
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


def join(*parts: str) -> str:
    """Go ``filepath.Join``: empty parts are dropped, the result is cleaned, and ``..``
    may climb above the first part (``join("reg:443", "../x") == "x"``)."""
    kept = [part for part in parts if part]
    return clean("/".join(kept)) if kept else ""


def _unescape(text: str) -> str:
    """Percent-decoding as ``url.Parse`` does; a bad escape is a parse error."""
    if "%" not in text:
        return text
    out = bytearray()
    raw = text.encode("utf-8")
    index = 0
    while index < len(raw):
        byte = raw[index]
        if byte == ord("%"):
            pair = raw[index + 1 : index + 3].decode("ascii", "replace")
            if len(pair) != 2 or any(c not in "0123456789abcdefABCDEF" for c in pair):
                raise ParseError(f"invalid URL escape {raw[index : index + 3]!r}")
            out.append(int(pair, 16))
            index += 3
            continue
        out.append(byte)
        index += 1
    return out.decode("utf-8", "surrogateescape")


def _escape(text: str, safe: frozenset[int]) -> str:
    encoded = text.encode("utf-8", "surrogateescape")
    return "".join(chr(b) if b in safe else "%" + _HEX[b >> 4] + _HEX[b & 15] for b in encoded)


def _fragment(raw: str) -> str:
    """``#fragment`` as ``URL.String`` prints it: nothing when it is empty, as written when
    that is a valid encoding, else escaped again; a bad ``%`` escape is a parse error."""
    decoded = _unescape(raw)
    if not decoded:
        return ""
    if all(b in _FRAGMENT_AS_WRITTEN for b in raw.encode("utf-8", "surrogateescape")):
        return "#" + raw
    return "#" + _escape(decoded, _FRAGMENT_SAFE)


def _check_host(host: str) -> None:
    if host.startswith("["):
        close = host.find("]")
        if close < 0:
            raise ParseError("missing ']' in host")
        port = host[close + 1 :]
        if port and not re.fullmatch(r":[0-9]*", port):
            raise ParseError(f"invalid port {port!r} after host")
    elif ":" in host:
        port = host[host.rfind(":") :]
        if not re.fullmatch(r":[0-9]*", port):
            raise ParseError(f"invalid port {port!r} after host")
    for char in host.encode("utf-8", "surrogateescape"):
        if char < 0x80 and not (chr(char).isalnum() or char in _HOST_SAFE):
            raise ParseError(f"invalid character {chr(char)!r} in host name")
    _unescape(host)


def to_api_endpoint(url: str, *, bare_v2: bool = True) -> str:
    """EKS-A ``containerd.ToAPIEndpoint``: ``v2`` becomes the first path segment.

    ``bare_v2`` is the v0.25.3/v0.26.0 behaviour (aws/eks-anywhere#10765): a URL without a
    path also gets ``/v2`` (and ``""`` becomes ``v2``); before, such a URL was returned as
    is. A scheme-less input is prefixed with ``//`` first, as EKS-A does. When Go's
    ``url.Parse`` fails (an invalid port, a colon in the first path segment, a bad ``%``
    escape, a control character, a character not allowed in a host name) the input is
    returned unchanged.
    """
    try:
        return _to_api_endpoint(url, bare_v2)
    except ParseError:
        return url


def _to_api_endpoint(url: str, bare_v2: bool) -> str:
    text = url if "//" in url else "//" + url
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise ParseError("invalid control character in URL")
    text, _, fragment = text.partition("#")
    fragment = _fragment(fragment)
    text, question, query = text.partition("?")
    scheme = ""
    match = _SCHEME.match(text)
    if match:
        scheme, text = match.group(0)[:-1].lower(), text[match.end() :]
    elif not text.startswith("/") and ":" in text.split("/", 1)[0]:
        raise ParseError("first path segment in URL cannot contain colon")
    authority = None
    if text.startswith("//"):
        authority, slash, rest = text[2:].partition("/")
        text = slash + rest
        host = authority.rpartition("@")[2]
        _check_host(host)
    path = _unescape(text)
    if path:
        path = join("v2", path)
    elif bare_v2:
        path = "v2"
    out = f"{scheme}:" if scheme else ""
    if authority is not None and (authority or path):
        out += "//" + authority
    if path and authority and not path.startswith("/"):
        out += "/"
    out += _escape(path, _PATH_SAFE)
    if question:
        out += "?" + query
    return (out + fragment).removeprefix("//")


def url_host(url: str) -> tuple[str, str]:
    """``(u.Scheme, u.Host)`` of Go's ``url.Parse(url)``; raises ``ParseError`` where Go
    returns an error (control characters, a colon in a relative URL's first segment, an
    invalid port or host character, a bad ``%`` escape in the host, path or fragment)."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise ParseError("invalid control character in URL")
    text, _, fragment = url.partition("#")
    _unescape(fragment)
    scheme, rest = _go_scheme(text)
    # A lone trailing "?" is ForceQuery, anything after the first "?" the query.
    rest = rest.partition("?")[0]
    if not rest.startswith("/"):
        if scheme:
            return scheme, ""  # an opaque URL: no host
        if ":" in rest.partition("/")[0]:
            raise ParseError("first path segment in URL cannot contain colon")
    host = ""
    if (scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, slash, path = rest[2:].partition("/")
        rest = slash + path
        host = _authority_host(authority)
    _unescape(rest)
    return scheme, host


#: ASCII bytes Go 1.25 leaves in a host name (``shouldEscape`` in ``encodeHost`` mode).
_GO_HOST = frozenset(
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!$&'()*+,;=:[]<>\"-_.~"
)
_USERINFO = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:~!$&'()*+,;=%@"
)


def _authority_host(authority: str) -> str:
    """Go 1.25's ``parseAuthority``: the host after the last ``@``, its userinfo checked."""
    userinfo, at, host = authority.rpartition("@")
    host = _go_host(host)
    if at:
        if any(char not in _USERINFO for char in userinfo):
            raise ParseError("net/url: invalid userinfo")
        _unescape(userinfo)
    return host


def _host_unescape(text: str, *, zone: bool = False) -> str:
    """``unescape`` in ``encodeHost`` (or ``encodeZone``) mode: a ``%`` escape only for bytes
    from 0x80 (any host byte, or a space, in a zone), ASCII bytes only from ``_GO_HOST``."""
    raw = text.encode("utf-8", "surrogateescape")
    index = 0
    while index < len(raw):
        byte = raw[index]
        if byte == 0x25:
            pair = raw[index + 1 : index + 3]
            if len(pair) < 2 or not all(chr(c) in _HEX + "abcdef" for c in pair):
                raise ParseError(f"invalid URL escape {raw[index : index + 3]!r}")
            value = int(pair, 16)
            allowed = (value in _GO_HOST or value == 0x20) if zone else value >= 0x80
            if not allowed and raw[index : index + 3] != b"%25":
                raise ParseError(f"invalid URL escape {raw[index : index + 3]!r}")
            index += 3
            continue
        if byte < 0x80 and byte not in _GO_HOST:
            raise ParseError(f"invalid character {chr(byte)!r} in host name")
        index += 1
    return _unescape(text)


def _go_host(host: str) -> str:
    """Go 1.25's ``parseHost``: a ``[`` anywhere makes it an IPv6 literal (``[addr]:port``,
    the address an IPv6 one, an optional ``%25`` zone); otherwise an optional ``:port``."""
    open_at = host.rfind("[")
    if open_at < 0:
        if ":" in host and not re.fullmatch(r":[0-9]*", host[host.rfind(":") :]):
            raise ParseError("invalid port after host")
        return _host_unescape(host)
    close_at = host.rfind("]")
    if close_at < 0:
        raise ParseError("missing ']' in host")
    port = host[close_at + 1 :]
    if not re.fullmatch(r"(:[0-9]*)?", port):
        raise ParseError(f"invalid port {port!r} after host")
    if close_at <= open_at:
        raise ParseError("slice bounds out of range")  # Go panics here
    name = host[open_at + 1 : close_at]
    zone_at = name.find("%25")
    if zone_at >= 0:
        name = _host_unescape(name[:zone_at]) + _host_unescape(name[zone_at:], zone=True)
    else:
        name = _host_unescape(name)
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        raise ParseError(f"invalid host {name!r}") from None
    if address.version == 4:
        raise ParseError("invalid IP-literal")
    return f"[{name}]{port}"


def _go_scheme(text: str) -> tuple[str, str]:
    """Go's ``getScheme``: the lower-cased scheme ("" when there is none) and the rest."""
    for index, char in enumerate(text):
        if char.isascii() and char.isalpha():
            continue
        if char.isascii() and (char.isdigit() or char in "+-."):
            if index == 0:
                return "", text
            continue
        if char == ":":
            if index == 0:
                raise ParseError("missing protocol scheme")
            return text[:index].lower(), text[index + 1 :]
        return "", text
    return "", text
