"""The wheel carries the schema files of ``schema/`` unchanged, and ``validate`` stays light."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from support import REPO


def test_wheel_ships_the_schema_files_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(tmp_path), str(REPO)],
        check=True,
    )  # fmt: skip
    (wheel,) = tmp_path.glob("eksa_mirror-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            Path(name).name: archive.read(name)
            for name in archive.namelist()
            if name.startswith("eksa_mirror/schema/")
        }
        assert "eksa_mirror/cli/main.py" in archive.namelist()
    sources = {p.name: p.read_bytes() for p in (REPO / "schema").glob("*.json")}
    assert shipped == sources


def test_validate_imports_no_language_server_library() -> None:
    code = (
        "import sys\n"
        "from eksa_mirror.cli.main import main\n"
        f"main(['validate', '-q', {str(REPO / 'examples' / 'valid-mirror.yaml')!r}])\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
