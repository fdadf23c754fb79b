#!/usr/bin/env python3
"""Language-server latency: ``eksa-mirror serve`` against yaml-language-server, one run.

Both servers are driven by the same client (``lspclient.py``), with the same
capabilities (push diagnostics only), on the same generated files at the same
positions. yaml-language-server validates with the project's own
``schema/eksa-cluster.schema.json`` through its ``yaml.schemas`` setting (offline
settings: no schema store, no CRD store).

Measured, per server:
  startup      spawn -> initialize result; didOpen -> first diagnostics; their sum, spawn -> first
               diagnostics (``--sessions`` cold starts, alternating the servers so drift on a
               shared machine hits both alike)
  memory       RSS of the server's process tree (/proc) after the big file is open
  requests     completion and hover latency (``--repeat`` each)
  edits        edit -> diagnostics, full and incremental sync, typing in the mirror block and
               in an unrelated document, in the big file and in a 50-line file (``--edits`` each)
  burst        ``--burst`` edits ``--burst-interval`` ms apart: last edit -> final diagnostics
  check        the invalid mirror block: the lines each server flags (the schema is applied)

Each server's fixed debounce is reported beside its latencies: yaml-language-server waits
200 ms before every validation; eksa-mirror's ``eksaMirror.debounceMs`` defaults to
``eksa_mirror.lsp.settings.DEFAULT_DEBOUNCE_MS``. A third configuration, eksa-mirror with
``debounceMs: 0``, measures the edit work alone.

    python benchmarks/bench_lsp.py                 # full run (several minutes)
    python benchmarks/bench_lsp.py --tiny          # seconds: one of everything, small file
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import gen_inputs
from lspclient import (
    LspClient,
    LspError,
    LspTimeout,
    Publish,
    editor_capabilities,
    norm_uri,
    now,
    utf16_offset,
)

SCHEMA = ROOT / "schema" / "eksa-cluster.schema.json"
YLS = HERE / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
YLS_DEBOUNCE_MS = 200  # yaml-language-server: fixed delay before each validation


def eksa_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("eksa-mirror")
    if exe.exists():
        return [str(exe), "serve"]
    found = shutil.which("eksa-mirror")
    return [found, "serve"] if found else [sys.executable, "-m", "eksa_mirror", "serve"]


def eksa_default_debounce() -> int | None:
    try:
        from eksa_mirror.lsp.settings import DEFAULT_DEBOUNCE_MS
    except ImportError:
        return None
    return int(DEFAULT_DEBOUNCE_MS)


def yls_settings(schema: Path) -> dict:
    return {
        "yaml": {
            "validate": True,
            "hover": True,
            "completion": True,
            "schemaStore": {"enable": False},
            "kubernetesCRDStore": {"enable": False},
            "schemas": {str(schema): "*.yaml"},
        }
    }


def stats(values: list[float | None]) -> dict:
    vals = sorted(v for v in values if v is not None)
    out: dict = {"n": len(vals), "failed": len(values) - len(vals)}
    if vals:
        out.update(
            median=round(statistics.median(vals), 3),
            min=round(vals[0], 3),
            max=round(vals[-1], 3),
            p90=round(vals[min(len(vals) - 1, round(0.9 * (len(vals) - 1)))], 3),
            values=[round(v, 3) for v in values if v is not None],
        )
    return out


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


class ServerConfig:
    def __init__(
        self,
        label: str,
        cmd: list[str],
        settings: dict,
        init_options: dict | None,
        debounce_ms: int | None,
    ) -> None:
        self.label, self.cmd, self.settings = label, cmd, settings
        self.init_options, self.debounce_ms = init_options, debounce_ms


class Session:
    """One server process with one document open."""

    def __init__(self, cfg: ServerConfig, path: Path, a: argparse.Namespace) -> None:
        self.cfg, self.path, self.a = cfg, path, a
        self.uri = path.as_uri()
        self.text = path.read_text(encoding="utf-8")
        self.client = LspClient(cfg.cmd, cwd=ROOT, settings=cfg.settings)
        self.errors: list[str] = []
        self.info: dict = {}

    def start(self) -> dict:
        c = self.client
        result = c.initialize(
            editor_capabilities(),
            root=self.path.parent,
            timeout=self.a.timeout,
            **(self.cfg.init_options or {}),
        )
        self.info["server_info"] = result.get("serverInfo")
        caps = result.get("capabilities") or {}
        self.info["text_document_sync"] = caps.get("textDocumentSync")
        self.info["diagnostic_provider"] = caps.get("diagnosticProvider") is not None
        # Let a server that pulls workspace/configuration have its settings before didOpen.
        t_wait = now() + 1.0
        while (
            c.server_requests["workspace/configuration"] == 0
            and now() < t_wait
            and self.cfg.settings
        ):
            time.sleep(0.01)
        time.sleep(0.05)
        t0 = now()
        c.open(self.uri, self.text)
        pub = c.next_publish(self.uri, 0, self.a.timeout)
        self.index = pub.n + 1
        return {
            "spawn_to_initialize_ms": ms(c.initialize_s or 0.0),
            "open_to_first_diagnostics_ms": ms(pub.t - t0),
            # what an editor that opens the file at once waits (the pauses above left out)
            "spawn_to_first_diagnostics_ms": ms((c.initialize_s or 0.0) + pub.t - t0),
            "first_diagnostics": len(pub.diagnostics),
        }

    def settle(self, seconds: float) -> None:
        time.sleep(seconds)
        self.index = len(self.client.publishes[self.key])

    @property
    def key(self) -> str:
        return norm_uri(self.uri)

    def last_diagnostics(self) -> list[dict]:
        pubs = self.client.publishes[self.key]
        return pubs[-1].diagnostics if pubs else []

    def timed(self, method: str, params: dict, n: int) -> tuple[dict, object]:
        lats, result = [], None
        for _ in range(n):
            try:
                result, lat = self.client.timed(method, params, self.a.timeout)
                lats.append(ms(lat))
            except (LspError, LspTimeout) as exc:
                lats.append(None)
                self.errors.append(str(exc))
        return stats(lats), result

    def completion(self, pos: dict) -> dict:
        st, res = self.timed(
            "textDocument/completion",
            {"textDocument": {"uri": self.uri}, "position": pos, "context": {"triggerKind": 1}},
            self.a.repeat,
        )
        items = res.get("items", []) if isinstance(res, dict) else (res or [])
        return {
            "at": pos,
            "latency_ms": st,
            "items": len(items),
            "labels": sorted(str(i.get("label")) for i in items)[:30],
        }

    def hover(self, pos: dict) -> dict:
        st, res = self.timed(
            "textDocument/hover",
            {"textDocument": {"uri": self.uri}, "position": pos},
            self.a.repeat,
        )
        contents = (res or {}).get("contents") if isinstance(res, dict) else None
        text = contents.get("value", "") if isinstance(contents, dict) else str(contents or "")
        return {"at": pos, "latency_ms": st, "chars": len(text)}

    def _publish_after(self, version: int) -> Publish | None:
        """The first publish from ``self.index`` on that is not older than ``version``."""
        c = self.client
        try:
            pub = c.next_publish(self.uri, self.index, self.a.timeout, min_version=version)
        except LspTimeout:
            self.index = len(c.publishes[self.key])
            return None
        self.index = pub.n + 1
        return pub

    def _edit(self, start: tuple[int, int], end: tuple[int, int], text: str, sync: str) -> int:
        """One edit sent the ``sync`` way (``full``: the whole new text); its version."""
        c = self.client
        if sync == "incremental":
            return c.change(self.uri, start, end, text)
        current = c.texts[self.uri]
        a, b = utf16_offset(current, *start), utf16_offset(current, *end)
        return c.replace(self.uri, current[:a] + text + current[b:])

    def edits(self, pos: dict, sync: str, n: int, char: str = "x") -> dict:
        """n edits, alternately typing ``char`` at pos and deleting it; each waits for its
        diagnostics (then ``--edit-pause`` ms to catch extra publishes)."""
        c = self.client
        at = (pos["line"], pos["character"])
        after = (pos["line"], pos["character"] + len(char))
        lats: list[float | None] = []
        extra = 0
        for i in range(n):
            typing = i % 2 == 0
            self.index = len(c.publishes[self.key])
            t0 = now()
            v = self._edit(at, at if typing else after, char if typing else "", sync)
            pub = self._publish_after(v)
            lats.append(ms(pub.t - t0) if pub else None)
            if pub is None:
                self.errors.append(f"edit {sync} at {pos}: no diagnostics for version {v}")
            time.sleep(self.a.edit_pause / 1000)
            extra += max(0, len(c.publishes[self.key]) - self.index)
            self.index = len(c.publishes[self.key])
        if n % 2:
            self.restore()
        return {
            "at": pos,
            "sync": sync,
            "edit_to_diagnostics_ms": stats(lats),
            "extra_publishes": extra,
        }

    def restore(self) -> None:
        c = self.client
        self.index = len(c.publishes[self.key])
        v = c.replace(self.uri, self.text)
        self._publish_after(v)
        time.sleep(self.a.edit_pause / 1000)
        self.index = len(c.publishes[self.key])

    def burst(self, pos: dict, n: int, interval_ms: float) -> dict:
        """Type n characters one after another, interval_ms apart (incremental sync)."""
        c = self.client
        self.index = start_index = len(c.publishes[self.key])
        word = ("mirrorbenchtypingburst" * (n // 22 + 1))[:n]
        t_first = t_last = now()
        v = 0
        for k, ch in enumerate(word):
            if k:
                time.sleep(max(0.0, t_first + k * interval_ms / 1000 - now()))
            at = (pos["line"], pos["character"] + k)
            t_last = now()
            v = c.change(self.uri, at, at, ch)
        # The final diagnostics: the publish for the last version (servers that send
        # versions); otherwise the last publish before the server goes quiet for 1 s.
        pub = None
        deadline = t_last + self.a.timeout
        while now() < deadline:
            after = [p for p in c.publishes[self.key][start_index:] if p.t >= t_last]
            hit = next((p for p in after if p.version == v), None)
            if hit:
                pub = hit
                break
            if after and all(p.version is None for p in after) and now() - after[-1].t > 1.0:
                pub = after[-1]
                break
            time.sleep(0.002)
        pubs = c.publishes[self.key][start_index:]
        res = {
            "edits": n,
            "interval_ms": interval_ms,
            "burst_ms": ms(t_last - t_first),
            "last_edit_to_final_diagnostics_ms": ms(pub.t - t_last) if pub else None,
            "publishes_during_burst": len(pubs),
            "publishes_with_versions": sum(p.version is not None for p in pubs),
        }
        if pub is None:
            self.errors.append("burst: no final diagnostics")
        self.restore()
        return res

    def close(self) -> bool:
        """shutdown + exit; True when the server exited by itself with code 0."""
        return self.client.close(timeout=5) == 0


def startup_round(cfg: ServerConfig, path: Path, a: argparse.Namespace) -> dict:
    s = Session(cfg, path, a)
    try:
        res = s.start()
        s.settle(0.2)
        res["rss_kib"] = s.client.rss_kib()
    finally:
        res_clean = s.close()
    res["clean_shutdown"] = res_clean
    return res


def main_session(
    cfg: ServerConfig, files: dict, a: argparse.Namespace, requests: bool = True
) -> dict:
    out: dict = {}
    for name in ("big", "small"):
        path, pos = files[name]
        s = Session(cfg, path, a)
        try:
            out[f"{name}_open"] = s.start()
            s.settle(a.settle / 1000)
            out[f"{name}_open"]["rss_kib_after_open"] = s.client.rss_kib()
            out.update(s.info)
            if name == "big" and requests:
                out["completion"] = s.completion(pos["blank_in_rmc"])
                out["hover_port"] = s.hover(pos["port_key"])
                out["hover_rmc"] = s.hover(pos["rmc_key"])
            edits = out.setdefault("edits", {}).setdefault(name, {})
            for sync in ("full", "incremental"):
                for where in ("mirror", "other"):
                    edits[f"{sync}_{where}"] = s.edits(pos[f"{where}_edit"], sync, a.edits)
            if name == "big" and requests:
                out["burst"] = s.burst(pos["mirror_edit"], a.burst, a.burst_interval)
                out["rss_kib_end"] = s.client.rss_kib()
        finally:
            clean = s.close()
            out.setdefault("clean_shutdown", {})[name] = clean
            if s.errors:
                out.setdefault("errors", []).extend(f"{name}: {e}" for e in s.errors[:10])
            log = s.client.stderr.decode("utf-8", "replace").splitlines()
            out.setdefault("stderr_tail", {})[name] = [line.rstrip()[:400] for line in log[-10:]]
    return out


def check_session(cfg: ServerConfig, path: Path, a: argparse.Namespace) -> dict:
    s = Session(cfg, path, a)
    try:
        s.start()
        s.settle(max(0.5, a.settle / 1000))
        diags = s.last_diagnostics()
    finally:
        s.close()
    return {
        "count": len(diags),
        "diagnostics": [
            {
                "line": d["range"]["start"]["line"] + 1,
                "source": d.get("source"),
                "code": d.get("code"),
                "message": str(d.get("message"))[:160],
            }
            for d in diags
        ],
    }


def machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass

    def version(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    yls_pkg = YLS.parent.parent / "package.json"
    yls_version = json.loads(yls_pkg.read_text())["version"] if yls_pkg.exists() else None
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "node": version(["node", "--version"]),
        "yaml_language_server": yls_version,
        "platform": platform.platform(),
    }


def run(a: argparse.Namespace) -> dict:
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, lines in (("big", a.lines), ("small", a.small_lines)):
        path = work / f"lsp-{name}.yaml"
        files[name] = (path, gen_inputs.write_cluster(path, lines))
    bad = work / "lsp-bad.yaml"
    gen_inputs.write_cluster(bad, a.lines, errors=True)

    default_debounce = eksa_default_debounce()
    configs = [ServerConfig("eksa-mirror", eksa_cmd(), {}, None, default_debounce)]
    if not a.no_yls:
        if not YLS.exists():
            raise SystemExit(f"missing {YLS}: run `npm ci --prefix benchmarks`")
        configs.append(
            ServerConfig(
                "yaml-language-server",
                ["node", str(YLS), "--stdio"],
                yls_settings(SCHEMA),
                None,
                YLS_DEBOUNCE_MS,
            )
        )
    nodebounce = ServerConfig(
        "eksa-mirror (debounceMs 0)",
        eksa_cmd(),
        {"eksaMirror": {"debounceMs": 0}},
        {"debounceMs": 0},
        0,
    )

    report: dict = {
        "benchmark": "lsp",
        "code": gen_inputs.code_version(),
        "machine": machine(),
        "args": vars(a),
        "files": {k: {"path": str(p), **v} for k, (p, v) in files.items()},
        "servers": {},
    }
    for cfg in configs:
        report["servers"][cfg.label] = {
            "cmd": cfg.cmd,
            "debounce_ms": cfg.debounce_ms,
            "settings": cfg.settings,
            "startup": [],
        }
    # 1. cold starts, alternating
    for i in range(a.sessions):
        order = configs if i % 2 == 0 else configs[::-1]
        for cfg in order:
            r = startup_round(cfg, files["big"][0], a)
            report["servers"][cfg.label]["startup"].append(r)
    # 2. requests, edits, burst, memory
    for cfg in configs:
        report["servers"][cfg.label]["session"] = main_session(cfg, files, a)
    if default_debounce not in (None, 0):
        report["servers"][nodebounce.label] = {
            "cmd": nodebounce.cmd,
            "debounce_ms": 0,
            "settings": nodebounce.settings,
        }
        report["servers"][nodebounce.label]["session"] = main_session(
            nodebounce, files, a, requests=False
        )
    # 3. the invalid mirror block: both must flag it
    for cfg in configs:
        report["servers"][cfg.label]["check"] = check_session(cfg, bad, a)
    summarize(report)
    return report


def summarize(report: dict) -> None:
    for srv in report["servers"].values():
        sm: dict = {}
        st = srv.get("startup") or []
        if st:
            sm["spawn_to_initialize_ms"] = stats([r["spawn_to_initialize_ms"] for r in st])
            for key in ("open_to_first_diagnostics_ms", "spawn_to_first_diagnostics_ms"):
                sm[key] = stats([r[key] for r in st])
            sm["rss_mib_after_open"] = round(statistics.median(r["rss_kib"] for r in st) / 1024, 1)
        sess = srv.get("session") or {}
        if "big_open" in sess:
            sm["rss_mib_main_session"] = round(sess["big_open"]["rss_kib_after_open"] / 1024, 1)
        for k in ("completion", "hover_port", "hover_rmc"):
            if k in sess:
                sm[f"{k}_ms"] = sess[k]["latency_ms"].get("median")
        for fname, edits in (sess.get("edits") or {}).items():
            for key, e in edits.items():
                sm[f"edit_{fname}_{key}_ms"] = e["edit_to_diagnostics_ms"].get("median")
        if "burst" in sess:
            sm["burst_last_edit_to_final_ms"] = sess["burst"]["last_edit_to_final_diagnostics_ms"]
        if "check" in srv:
            sm["invalid_file_diagnostic_lines"] = sorted(
                {d["line"] for d in srv["check"]["diagnostics"]}
            )
        srv["summary"] = sm
    errors = []
    for label, srv in report["servers"].items():
        errors += [f"{label}: {e}" for e in (srv.get("session") or {}).get("errors", [])]
        if "check" in srv and srv["check"]["count"] == 0:
            errors.append(f"{label}: no diagnostics for the invalid mirror block")
    report["errors"] = errors


def print_summary(report: dict) -> None:
    labels = list(report["servers"])
    keys: list[str] = []
    for lab in labels:
        for k in report["servers"][lab]["summary"]:
            if k not in keys:
                keys.append(k)
    w = max(len(k) for k in keys) + 2
    print("".ljust(w) + "".join(lab[:24].rjust(26) for lab in labels))
    for k in keys:
        row = []
        for lab in labels:
            v = report["servers"][lab]["summary"].get(k)
            if isinstance(v, dict):
                v = v.get("median")
            row.append(("-" if v is None else str(v))[:24].rjust(26))
        print(k.ljust(w) + "".join(row))
    for e in report["errors"]:
        print("ERROR:", e)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiny", action="store_true", help="one of everything on small files (CI)")
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--small-lines", type=int, default=50)
    ap.add_argument("--sessions", type=int, default=10, help="cold starts per server")
    ap.add_argument("--repeat", type=int, default=30, help="completion/hover repeats")
    ap.add_argument("--edits", type=int, default=30, help="edits per (file, sync, place)")
    ap.add_argument("--edit-pause", type=float, default=50, help="ms after each edit's publish")
    ap.add_argument("--burst", type=int, default=20)
    ap.add_argument("--burst-interval", type=float, default=50)
    ap.add_argument("--settle", type=float, default=500, help="ms after open before measuring")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--no-yls", action="store_true", help="only eksa-mirror serve")
    ap.add_argument("--work", default=str(HERE / "work"))
    ap.add_argument("-o", "--output", default=str(HERE / "results" / "lsp.json"))
    a = ap.parse_args(argv)
    if a.tiny:
        a.lines, a.sessions, a.repeat, a.edits, a.burst, a.settle = 300, 1, 2, 2, 3, 100
        if a.output == str(HERE / "results" / "lsp.json"):
            a.output = str(Path(a.work) / "lsp-tiny.json")
    t0, load0 = time.time(), list(os.getloadavg())
    report = run(a)
    report["wall_s"] = round(time.time() - t0, 1)
    report["loadavg_start_end"] = [load0, list(os.getloadavg())]
    Path(a.output).parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(gen_inputs.portable(report), indent=1)
    Path(a.output).write_text(text + "\n", encoding="utf-8")
    print_summary(report)
    print(f"raw: {a.output}  ({report['wall_s']} s)")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
