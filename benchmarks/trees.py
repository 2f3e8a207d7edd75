"""What one commit makes git write: the tree objects the pull request's commit wrote.

Git writes again every tree above a changed file; a flat papers/ folder is one
tree listing every paper, so its size is what each commit that adds or
corrects a paper pays (to hash, compress and store, and to read in every walk
of history that looks inside papers/).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import NamedTuple

TREE_MODE = "040000"


class Tree(NamedTuple):
    path: str  # "" for the root tree
    entries: int
    size: int  # bytes of the tree object, as ``git cat-file -s`` says


def written(root: Path, folder: str, commit: str = "HEAD") -> list[Tree]:
    """The trees ``commit`` wrote that its first parent did not have, root first, leaving
    out those inside ``folder``, the paper it adds (the same small trees in every layout)."""
    listed = _git(root, "diff-tree", "-r", "-t", "--no-commit-id", f"{commit}~1", commit)
    changed = [("", f"{commit}^{{tree}}")]
    for line in listed.splitlines():
        info, path = line.split("\t", 1)
        _, new_mode, _, new_id, _ = info.lstrip(":").split()
        if new_mode == TREE_MODE and path != folder and not path.startswith(f"{folder}/"):
            changed.append((path, new_id))
    return [Tree(path, _entries(root, name), _size(root, name)) for path, name in changed]


def _entries(root: Path, tree: str) -> int:
    return len(_git(root, "ls-tree", tree).splitlines())


def _size(root: Path, tree: str) -> int:
    return int(_git(root, "cat-file", "-s", tree))


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout.strip()
