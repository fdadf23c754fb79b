#!/usr/bin/env python3
"""``eksa-mirror check --images`` against a loopback registry, beside what a user scripts.

Debian's ``docker-registry`` (TLS with a generated CA, htpasswd) is filled through the OCI
API with a generated EKS-A bundle's references: multi-platform indexes (as ``skopeo copy
--all`` leaves them) under ``index/``, single-platform manifests (as ``eksctl anywhere import
images`` leaves them) under ``import/``. Then, in the same run, interleaved:

  check      ``eksa-mirror check SPEC --images --bundle DIR`` (default concurrency), wall
             time of the whole command and its peak RSS (VmHWM of the process);
  serial     the same with ``--concurrency 1``;
  floor      one HEAD per reference over one keep-alive connection per worker (as many
             workers as the check), ``http.client`` with the same Accept and Basic headers;
  floor-1    the same over one connection;
  skopeo     ``skopeo inspect --raw --creds … --cert-dir … docker://REF`` per reference,
             one after the other (Debian's skopeo), as a user's script would.

Scaling: the check's wall time per reference from 100 to 5,000 references (plot
``images_scaling.png``). Writes ``results/images.json``.

    python benchmarks/bench_images.py            # ~1,000 references, scaling to 5,000 (~6 min)
    python benchmarks/bench_images.py --tiny     # 66 references, once each (CI, < 30 s)
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from eksa_mirror.probe.manifests import ACCEPT
from images_setup import (
    PASSWORD,
    USER,
    folder_for,
    missing_tools,
    setup_registry,
    spec,
    versions,
)

CHILD = r"""
import resource, runpy, sys


def peak_kib():
    # VmHWM is the peak of this program's own memory; ru_maxrss would also count the
    # parent's memory copied at fork (Linux keeps the larger of the two across exec).
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


sys.argv = ["eksa-mirror", *sys.argv[1:]]
try:
    runpy.run_module("eksa_mirror", run_name="__main__")
finally:
    print(peak_kib(), file=sys.stderr)
"""


def run_check(spec_path: Path, folder: Path, *extra: str) -> tuple[float, float, dict]:
    """Wall seconds, peak RSS (MiB) and the JSON report of one ``check --images``."""
    env = {**os.environ, "REGISTRY_USERNAME": USER, "REGISTRY_PASSWORD": PASSWORD}
    args = [
        "check",
        str(spec_path),
        "--images",
        "--bundle",
        str(folder),
        "--format",
        "json",
        *extra,
    ]
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True,
                          env=env, timeout=900)  # fmt: skip
    wall = time.perf_counter() - started
    report = json.loads(proc.stdout)
    rss = int(proc.stderr.strip().splitlines()[-1]) / 1024
    return wall, rss, report


def floor(port: int, ca: Path, mirrors: list[str], workers: int, auth: bool) -> float:
    """HEAD each manifest over one keep-alive connection per worker: the least a check does."""
    headers = {"Accept": ACCEPT}
    if auth:
        headers["Authorization"] = (
            "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        )
    chunks = [mirrors[i::workers] for i in range(workers)]
    failures: list[int] = []

    def one(chunk: list[str]) -> None:
        context = ssl.create_default_context(cafile=str(ca))
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
        for ref in chunk:
            path = ref.split("/", 1)[1]
            repository, _, tag = path.rpartition(":")
            conn.request("HEAD", f"/v2/{repository}/manifests/{tag}", headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    assert not failures, failures[:5]
    return wall


def skopeo(certs: Path, mirrors: list[str], auth: bool) -> float:
    binary = shutil.which("skopeo")
    assert binary is not None
    creds = ["--creds", f"{USER}:{PASSWORD}"] if auth else ["--no-creds"]
    started = time.perf_counter()
    for ref in mirrors:
        subprocess.run([binary, "inspect", "--raw", *creds, "--cert-dir", str(certs),
                        f"docker://{ref}"], check=True, capture_output=True)  # fmt: skip
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return round(statistics.median(values), 4)


def compare(
    setup: dict, kubes: tuple[str, ...], namespace: str, repeat: int, skopeo_refs: int | None
) -> dict:
    """The check, serial, floors and skopeo on one registry namespace, interleaved.

    ``skopeo_refs``: how many references the skopeo loop inspects (``None``: all; 0: none);
    its time is scaled to all of them when fewer.
    """
    port, ca, auth = setup["port"], setup["ca"], setup["auth"]
    path = spec(setup["work"] / f"spec-{namespace}.yaml", port, ca.read_text(), kubes, namespace,
                auth)  # fmt: skip
    folder = folder_for(setup, namespace, len(kubes))
    _, _, report = run_check(path, folder)  # warm the file cache, learn the references
    mirrors = [r["mirror"] for r in report["references"]]
    concurrency = 8
    runs: dict[str, list[float]] = {"check": [], "serial": [], "floor": [], "floor_1": []}
    rss: list[float] = []
    for _ in range(repeat):
        wall, peak, report = run_check(path, folder)
        runs["check"].append(wall)
        rss.append(peak)
        runs["floor"].append(floor(port, ca, mirrors, concurrency, auth))
        runs["serial"].append(run_check(path, folder, "--concurrency", "1")[0])
        runs["floor_1"].append(floor(port, ca, mirrors, 1, auth))
    counts = report["images"]["counts"]
    row = {"registry": setup["name"], "namespace": namespace, "references": len(mirrors),
           "counts": counts, "concurrency": concurrency, "rss_mib": round(max(rss), 1),
           **{f"{k}_s": median(v) for k, v in runs.items()},
           "all": {k: [round(x, 4) for x in v] for k, v in runs.items()}}  # fmt: skip
    if skopeo_refs != 0:
        sample = mirrors[:skopeo_refs] if skopeo_refs else mirrors
        seconds = skopeo(setup["certs"], sample, auth)
        row["skopeo_inspected"] = len(sample)
        row["skopeo_s"] = round(seconds * len(mirrors) / len(sample), 3)
        row["skopeo_over_check"] = round(row["skopeo_s"] / row["check_s"], 1)
    row["check_over_floor"] = round(row["check_s"] / row["floor_s"], 2)
    row["serial_over_floor_1"] = round(row["serial_s"] / row["floor_1_s"], 2)
    return row


def scaling(setup: dict, sizes: list[int], repeat: int) -> list[dict]:
    rows = []
    for count in sizes:
        kubes = versions(count)
        path = spec(setup["work"] / f"spec-scale-{count}.yaml", setup["port"],
                    setup["ca"].read_text(), kubes, "index", setup["auth"])  # fmt: skip
        walls, peaks = [], []
        for _ in range(repeat):
            wall, peak, report = run_check(path, folder_for(setup, "index", count))
            walls.append(wall)
            peaks.append(peak)
        refs = len(report["references"])
        rows.append({"versions": count, "references": refs, "check_s": median(walls),
                     "ms_per_reference": round(median(walls) * 1000 / refs, 3),
                     "rss_mib": round(max(peaks), 1),
                     "exit_counts": report["images"]["counts"]})  # fmt: skip
        print(
            f"  {refs:5d} references: {median(walls):.2f} s, {rows[-1]['rss_mib']} MiB", flush=True
        )
    return rows


def linear_fit(rows: list[dict]) -> dict:
    """Least squares ``seconds = fixed + per_reference × references`` and its R²."""
    xs = [r["references"] for r in rows]
    ys = [r["check_s"] for r in rows]
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if n < 2 or not sxx:
        return {}
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    fixed = my - slope * mx
    total = sum((y - my) ** 2 for y in ys)
    residual = sum((y - fixed - slope * x) ** 2 for x, y in zip(xs, ys, strict=True))
    return {"fixed_s": round(fixed, 3), "ms_per_reference": round(slope * 1000, 3),
            "r2": round(1 - residual / total, 4) if total else 1.0}  # fmt: skip


def plot(rows: list[dict], fit: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs = [r["references"] for r in rows]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs, [r["check_s"] for r in rows], "o-", label="eksa-mirror check --images")
    if fit:
        ax.plot(xs, [fit["fixed_s"] + fit["ms_per_reference"] * x / 1000 for x in xs], "--",
                label=f"{fit['fixed_s']} s + {fit['ms_per_reference']} ms × n"
                f" (R² {fit['r2']})")  # fmt: skip
    ax.set_xlabel("references (loopback registry, TLS)")
    ax.set_ylabel("wall time (s)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def readme_table(result: dict) -> str:
    """The README section: the comparison at ~1,000 references and the scaling rows."""
    lines = [f"Machine: {result['machine']}; load average {result['load']}. Median of "
             f"{result['repeat']} runs (1 on tls+htpasswd); the skopeo loop once (one process per"
             " reference, every reference).", "",
             "| registry | content | references | check --images | --concurrency 1 |"
             " floor (8 conn.) | floor (1 conn.) | skopeo loop | skopeo / check | check / floor |"
             " peak RSS |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in result["compare"]:
        skopeo_s = f"{row['skopeo_s']:.1f} s" if "skopeo_s" in row else "–"
        ratio = f"{row['skopeo_over_check']}x" if "skopeo_over_check" in row else "–"
        lines.append(
            f"| {row['registry']} | {row['namespace']} | {row['references']} |"
            f" {row['check_s']:.2f} s |"
            f" {row['serial_s']:.2f} s | {row['floor_s']:.2f} s | {row['floor_1_s']:.2f} s |"
            f" {skopeo_s} | {ratio} | {row['check_over_floor']}x | {row['rss_mib']} MiB |"
        )
    lines += [
        "",
        "| references | check --images | per reference | peak RSS |",
        "|---:|---:|---:|---:|",
    ]
    for row in result["scaling"]:
        lines.append(f"| {row['references']} | {row['check_s']:.2f} s |"
                     f" {row['ms_per_reference']} ms | {row['rss_mib']} MiB |")  # fmt: skip
    fit = result["fit"]
    if fit:
        lines += ["", f"Least squares: {fit['fixed_s']} s + {fit['ms_per_reference']} ms per"
                  f" reference, R² = {fit['r2']} (`images_scaling.png`)."]  # fmt: skip
    return "\n".join(lines) + "\n"


def write_readme(text: str) -> None:
    readme = HERE / "README.md"
    start, end = "<!-- images:start -->", "<!-- images:end -->"
    content = readme.read_text()
    if start in content:
        head, _, rest = content.partition(start)
        content = head + start + "\n" + text + end + rest.partition(end)[2]
        readme.write_text(content)


def measure(work: Path, tiny: bool, repeat: int) -> tuple[list[dict], list[dict]]:
    """The comparison rows (two registries) and the scaling rows."""
    compare_at, sizes = (1, [1]) if tiny else (16, [2, 8, 16, 31, 76])
    sample = 10 if tiny else None
    rows: list[dict] = []
    fills = {"index": max(sizes), "import": compare_at}
    open_registry, setup = setup_registry(work, "tls", False, fills)
    try:
        rows.append(compare(setup, versions(compare_at), "index", repeat, sample))
        rows.append(compare(setup, versions(compare_at), "import", repeat, 0))
        scale = scaling(setup, sizes, 1 if tiny else 3)
    finally:
        open_registry.stop()
    auth_registry, auth_setup = setup_registry(work, "tls+htpasswd", True, {"index": compare_at})
    try:
        # bcrypt on every request makes this registry the bottleneck: fewer runs.
        rows.append(compare(auth_setup, versions(compare_at), "index", 1, sample))
    finally:
        auth_registry.stop()
    for row in rows:
        print(json.dumps({k: v for k, v in row.items() if k != "all"}), flush=True)
    return rows, scale


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiny", action="store_true", help="one version (66 references), once")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", default=str(HERE / "work" / "images"))
    ap.add_argument("-o", "--output", default=str(HERE / "results" / "images.json"))
    ap.add_argument("--no-readme", action="store_true", help="do not update README.md")
    a = ap.parse_args(argv)
    missing = missing_tools()
    if missing:
        print("bench_images: missing:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 2
    work = Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    load0 = os.getloadavg()[0]
    repeat = 1 if a.tiny else a.repeat
    rows, scale = measure(work, a.tiny, repeat)
    fit = linear_fit(scale)
    peer = subprocess.run(["skopeo", "--version"], capture_output=True, text=True).stdout.strip()
    result = {"machine": f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {peer}",
              "load": f"{load0:.1f}→{os.getloadavg()[0]:.1f}", "repeat": repeat,
              "compare": rows, "scaling": scale, "fit": fit}  # fmt: skip
    output = Path(work / "images-tiny.json" if a.tiny else a.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    if not a.tiny:
        plot(scale, fit, HERE / "images_scaling.png")
        if not a.no_readme:
            write_readme(readme_table(result))
    print(readme_table(result))
    failed = [row for row in rows if row["counts"]["missing"] or row["counts"]["error"]]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
