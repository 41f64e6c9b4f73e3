"""The layering (pyproject.toml, [tool.importlinter]): packages depend in one direction only, and
the check that enforces it catches a wrong import."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytest.importorskip("importlinter", reason="import-linter is installed from requirements.lock by `make setup`")
sys.path.insert(0, str(ROOT / "scripts"))
import package_cycles  # scripts/ is not a package: found through the path above

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_no_import_cycle_between_top_level_packages():
    edges = package_cycles.package_graph()
    assert package_cycles.cycles(edges) == []
    assert edges["settings"] == set()  # the leaf
    assert "console" not in edges["registry"] and "bot" not in edges["scheduler"]


def test_cycles_are_found():
    assert package_cycles.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(tree)))


def test_the_contract_holds_and_a_wrong_import_breaks_it(tmp_path):
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy)
    for package in package_cycles.PACKAGES:
        shutil.copytree(ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "*.yml", "static",
                                                                                      "templates", "data"))
    assert _lint_imports(copy).returncode == 0
    store = copy / "registry" / "store.py"
    store.write_text(store.read_text(encoding="utf-8") + "\nimport console.models  # wrong: records know no console\n",
                     encoding="utf-8")
    broken = _lint_imports(copy)
    assert broken.returncode == 1
    assert "registry is not allowed to import console" in broken.stdout
    assert "registry.store -> console.models" in broken.stdout
