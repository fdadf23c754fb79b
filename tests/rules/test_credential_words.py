"""Which unknown mirror keys are credentials (RM026) and which are only unknown (RM006), by
the meaning of their words: a key named for an HTTP auth header (``Authorization``,
``Proxy-Authorization``, ``X-Registry-Auth``) or for basic/bearer auth holds a secret;
``user`` and ``pass`` as the modifier of another word (``userAgent``, ``passThrough``) do not.
"""

from __future__ import annotations

import pytest

from eksa_mirror.rules.credentials import is_credential_key
from support import cluster

from .helpers import INFO, E, body_span, expect, fixed

#: Key names that hold a secret: an HTTP auth header, basic or bearer auth, a user name or
#: password in any case and separator, a token, a key, Docker's ``auth``/``auths``.
CREDENTIALS = [
    "Authorization", "authorization", "AUTHORIZATION", "Proxy-Authorization",
    "proxyAuthorization", "authorizationHeader", "X-Registry-Auth", "X-Auth-Token",
    "X-Api-Key", "Cookie", "sessionCookie", "basicAuth", "basic_auth", "basic-auth",
    "BasicAuth", "basicauth", "bearerAuth", "bearerToken", "bearer", "httpAuth",
    "registryAuth", "dockerAuth", "auth", "Auth", "auths", "authHeader", "authKey",
    "authToken", "authInfo", "authString", "basicAuthUser", "basicAuthPassword",
    "user", "User", "USER", "regUser", "registryUser", "userName", "user_name",
    "username", "USERNAME", "userId", "userInfo", "usr", "login", "loginName",
    "dockerLogin", "pass", "regPass", "passWord", "passPhrase", "passCode", "password",
    "registry_password", "REGISTRY-PASSWORD", "regpassword", "passwd", "pwd",
    "token", "pullSecret", "secret", "clientSecret", "apiKey", "x_api_key", "accessKey",
    "secretAccessKey", "privateKey", "credentials", "Creds", "authUserName",
]  # fmt: skip

#: Key names that hold no secret: a word of the credential family modifying another word
#: (``user`` agent, ``pass`` through, ``auth`` type), settings that only switch or name auth.
NOT_CREDENTIALS = [
    "userAgent", "UserAgent", "user-agent", "user_agent", "User-Agent", "userData",
    "passThrough", "passthrough", "pass_through", "PassThrough", "passThru", "bypass",
    "compass", "authType", "authMode", "authMethod", "authProvider", "authEnabled",
    "authRequired", "basicAuthEnabled", "authenticate", "authenticated", "authentication",
    "authority", "authorizationType", "authorizationUrl", "WWW-Authenticate",
    "loginServer", "loginUrl", "cookieName", "userGroup", "mirrorFlavour", "endpont",
    "insecure", "skipVerify", "tlsVerify", "caCert", "registry", "namespace", "pullPolicy",
    "keyword", "keys", "monkey", "passage", "usage", "usersCount",
]  # fmt: skip


def test_the_tables_are_large_and_disjoint() -> None:
    assert len(CREDENTIALS) >= 60 and len(NOT_CREDENTIALS) >= 40
    assert not set(CREDENTIALS) & set(NOT_CREDENTIALS)


@pytest.mark.parametrize("name", CREDENTIALS)
def test_credential_names(name: str) -> None:
    assert is_credential_key(name)


@pytest.mark.parametrize("name", NOT_CREDENTIALS)
def test_names_that_are_not_credentials(name: str) -> None:
    assert not is_credential_key(name)


SECRET = "dXNlcjpodW50ZXIy"
ADVICE = (
    "is not a field of the mirror configuration: set REGISTRY_USERNAME and REGISTRY_PASSWORD "
    "in the environment of eksctl anywhere (the controller reads the "
    "eksa-system/registry-credentials Secret) and use authenticate: true; a secret that was "
    "committed should be rotated"
)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Authorization", f'"Basic {SECRET}"'),
        ("authorization", f"Basic {SECRET}"),
        ("basicAuth", '"robot:hunter2"'),
        ("Proxy-Authorization", f"Bearer {SECRET}"),
    ],
)
def test_an_auth_header_or_basic_auth_is_rm026_with_the_delete_fix(key: str, value: str) -> None:
    """What a user sees for containerd's own header, pasted from a ``hosts.toml``: one RM026
    on the key, the advice to rotate, and the (unsafe) fix that deletes the line."""
    text = cluster(f"endpoint: r.local\nauthenticate: true\n{key}: {value}")
    found = expect(
        text, [("RM016", INFO, body_span(1, 14, 18)), ("RM026", E, body_span(2, 0, len(key)))]
    )
    rm026 = next(f for f in found if f.code == "RM026")
    assert rm026.message == f'"{key}" looks like a credential and {ADVICE}'
    assert SECRET not in rm026.message and "hunter2" not in rm026.message
    assert rm026.fix is not None and rm026.fix.safe is False
    assert rm026.fix.title == f'Remove the "{key}" key'
    assert fixed(text, rm026.fix) == cluster("endpoint: r.local\nauthenticate: true")


@pytest.mark.parametrize(("key", "value"), [("userAgent", "crictl/1.30"), ("passThrough", "true")])
def test_user_agent_and_pass_through_are_only_unknown(key: str, value: str) -> None:
    """No secret, so no "looks like a credential" and no fix that deletes them: RM006."""
    text = cluster(f"endpoint: r.local\n{key}: {value}")
    found = expect(text, [("RM006", E, body_span(1, 0, len(key)))])
    assert found[0].message == f'json: unknown field "{key}"'
    assert found[0].fix is None


def test_a_header_table_holding_a_credential_is_rm026() -> None:
    """containerd's ``[host."…".header]`` written as YAML: the secret sits one level down, and
    the finding (with the fix that deletes the whole table) is on the outer key."""
    body = f'endpoint: r.local\nheader:\n  Authorization: "Basic {SECRET}"\nport: "5000"'
    text = cluster(body)
    [rm026] = expect(text, [("RM026", E, body_span(1, 0, 6))])
    assert rm026.message == (
        f'"header" holds "Authorization", which looks like a credential, and {ADVICE}'
    )
    assert fixed(text, rm026.fix) == cluster('endpoint: r.local\nport: "5000"')


def test_a_header_table_without_a_credential_stays_rm006() -> None:
    [rm006] = expect(
        cluster("endpoint: r.local\nheader:\n  User-Agent: crictl"),
        [("RM006", E, body_span(1, 0, 6))],
    )
    assert rm006.message == 'json: unknown field "header"'


def test_one_finding_per_key_in_an_oci_namespaces_entry() -> None:
    """After an item's ``- `` the line holds more than the key: RM026 without the fix."""
    body = f"endpoint: r.local\nociNamespaces:\n  - basicAuth: {SECRET}\n"
    body += "    registry: public.ecr.aws\n    namespace: hub\n    userAgent: x"
    found = expect(
        cluster(body), [("RM026", E, body_span(2, 4, 13)), ("RM006", E, body_span(5, 4, 13))]
    )
    assert [f.pointer for f in found] == [
        "/spec/registryMirrorConfiguration/ociNamespaces/0/basicAuth",
        "/spec/registryMirrorConfiguration/ociNamespaces/0/userAgent",
    ]
    assert found[0].fix is None
