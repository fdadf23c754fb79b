"""Fill a real registry through the OCI distribution API, as ``import images`` would.

``Pusher`` keeps one connection open and pushes small generated content: a single-platform
image (``image``), a multi-platform index (``index``), a Helm chart as an OCI artifact
(``chart``). Blobs already pushed to another repository are mounted, not uploaded again,
so a thousand images take seconds. Only the standard library.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import ssl

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json"
HELM_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Pusher:
    """Pushes to ``host:port`` (TLS unless ``tls`` is False, Basic auth when given, or a
    fixed ``Authorization`` header)."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        tls: bool = True,
        basic: tuple[str, str] | None = None,
        authorization: str = "",
    ) -> None:
        self.host, self.port, self.tls = host, port, tls
        self.authorization = authorization
        if basic is not None:
            self.authorization = "Basic " + base64.b64encode(":".join(basic).encode()).decode()
        self._conn: http.client.HTTPConnection | None = None
        #: digest → a repository that holds the blob (to mount it elsewhere).
        self._blobs: dict[str, str] = {}

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            if self.tls:
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                self._conn = http.client.HTTPSConnection(
                    self.host, self.port, timeout=30, context=context
                )
            else:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        all_headers = dict(headers or {})
        if self.authorization:
            all_headers["Authorization"] = self.authorization
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=body, headers=all_headers)
                response = conn.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def blob(self, repository: str, data: bytes) -> str:
        """Put ``data`` in ``repository`` (mounted from where it already is, if anywhere)."""
        digest = sha256(data)
        source = self._blobs.get(digest)
        if source == repository:
            return digest
        if source is not None:
            status, _, _ = self.request(
                "POST", f"/v2/{repository}/blobs/uploads/?mount={digest}&from={source}"
            )
            if status == 201:
                return digest
        status, headers, body = self.request("POST", f"/v2/{repository}/blobs/uploads/")
        assert status == 202, (status, body)
        location = headers.get("Location") or headers.get("location", "")
        if location.startswith("http"):
            location = "/" + location.split("/", 3)[3]
        separator = "&" if "?" in location else "?"
        status, _, body = self.request(
            "PUT", f"{location}{separator}digest={digest}", data,
            {"Content-Type": "application/octet-stream"},
        )  # fmt: skip
        assert status == 201, (status, body)
        self._blobs[digest] = repository
        return digest

    def manifest(self, repository: str, reference: str, media_type: str, body: bytes) -> str:
        status, _, answer = self.request(
            "PUT", f"/v2/{repository}/manifests/{reference}", body, {"Content-Type": media_type}
        )
        assert status == 201, (repository, reference, status, answer)
        return sha256(body)

    def _manifest_body(
        self, repository: str, config: bytes, config_type: str, layer: bytes, layer_type: str,
        media_type: str,
    ) -> bytes:  # fmt: skip
        config_digest = self.blob(repository, config)
        layer_digest = self.blob(repository, layer)
        return json.dumps({
            "schemaVersion": 2, "mediaType": media_type,
            "config": {"mediaType": config_type, "digest": config_digest, "size": len(config)},
            "layers": [{"mediaType": layer_type, "digest": layer_digest, "size": len(layer)}],
        }).encode()  # fmt: skip

    def image(self, repository: str, tag: str | None, arch: str = "amd64", *,
              docker: bool = False) -> tuple[str, bytes]:  # fmt: skip
        """A one-layer image for ``linux/arch``; pushed under ``tag`` (by digest when None).
        Returns its digest and manifest."""
        config = json.dumps({"architecture": arch, "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": []}}).encode()  # fmt: skip
        media = DOCKER_MANIFEST if docker else OCI_MANIFEST
        config_type = (
            "application/vnd.docker.container.image.v1+json" if docker
            else "application/vnd.oci.image.config.v1+json"
        )  # fmt: skip
        layer_type = (
            "application/vnd.docker.image.rootfs.diff.tar.gzip" if docker
            else "application/vnd.oci.image.layer.v1.tar"
        )  # fmt: skip
        body = self._manifest_body(repository, config, config_type, f"layer {arch}".encode(),
                                   layer_type, media)  # fmt: skip
        digest = self.manifest(repository, tag or sha256(body), media, body)
        return digest, body

    def index(self, repository: str, tag: str, arches: tuple[str, ...] = ("amd64", "arm64")) -> str:
        """A multi-platform index of one image per architecture, under ``tag``."""
        entries = []
        for arch in arches:
            digest, body = self.image(repository, None, arch)
            entries.append({"mediaType": OCI_MANIFEST, "digest": digest, "size": len(body),
                            "platform": {"architecture": arch, "os": "linux"}})  # fmt: skip
        index = json.dumps(
            {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}
        ).encode()
        return self.manifest(repository, tag, OCI_INDEX, index)

    def chart(self, repository: str, tag: str) -> str:
        """A Helm chart as ``helm push`` stores it (config and content media types)."""
        name = repository.rsplit("/", 1)[-1]
        config = json.dumps({"apiVersion": "v2", "name": name, "version": tag}).encode()
        body = self._manifest_body(repository, config, HELM_CONFIG, f"chart {name}".encode(),
                                   HELM_LAYER, OCI_MANIFEST)  # fmt: skip
        return self.manifest(repository, tag, OCI_MANIFEST, body)
