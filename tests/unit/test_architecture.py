"""The folders show the architecture: each imports only from folders below it.

commands > check, audit > publishing > verifying > authoring > checking >
deriving > ledger > reading > the shared base (cli, errors, findings, config,
layout, report, progress, ...). The test reads every module's imports, lazy
ones inside functions included, so a reach back up the chain fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "synthledger"
LAYERS = (
    "commands",
    "top",  # check.py and audit.py: what CI and auditors run
    "publishing",
    "verifying",
    "authoring",
    "checking",
    "deriving",
    "ledger",
    "reading",
    "base",
)
TOP = {"check", "audit"}
ENTRY = {"cli", "__main__", "prereceive"}  # they start a command, so they may import any


def layer(module: str) -> str:
    """The layer of ``synthledger.x.y``."""
    parts = module.split(".")
    if len(parts) > 2 and parts[1] in LAYERS:
        return parts[1]
    name = parts[1] if len(parts) > 1 else ""
    if name in LAYERS:
        return name
    return "top" if name in TOP else "base"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "synthledger":
                found.update(f"synthledger.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("synthledger.")}


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_a_module_imports_only_from_layers_below_or_its_own(path: Path) -> None:
    name = module_name(path)
    if name.split(".")[-1] in ENTRY and name.count(".") == 1:
        return
    own = LAYERS.index(layer(name))
    upward = sorted(imported for imported in imports(path) if LAYERS.index(layer(imported)) < own)
    assert upward == [], f"{name} ({layer(name)}) reaches up to {upward}"


def test_the_layers_are_the_folders() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert folders == set(LAYERS) - {"top", "base"}


def test_the_check_catches_a_reach_up() -> None:
    # The test above would pass vacuously if layer() put everything in one layer.
    assert LAYERS.index(layer("synthledger.deriving.manifest")) > LAYERS.index(
        layer("synthledger.checking.validate")
    )
    assert layer("synthledger.check") == "top"
    assert layer("synthledger.findings") == "base"
