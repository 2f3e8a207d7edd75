"""One commit made the way ``git add`` and ``git commit`` make it, outside the archive's own state.

Run as a script from the archive's root (the benchmark times it as one command):

    python commit.py prepare SCRATCH SOURCE_FOLDER NEW_FOLDER
    python commit.py commit SCRATCH paper|notes

``prepare`` (not timed) reads HEAD into two index files in SCRATCH, as a clone's
index is before ``git add``, and writes what each commit adds: ``paper``, a new
paper folder NEW_FOLDER holding SOURCE_FOLDER's blobs; ``notes``, a changed
notes/log.txt, a commit that leaves records/ alone (the floor). ``commit``
then does what ``git add`` and ``git commit`` do with objects: update the
index (read and rewritten whole, as ``git add`` does), write the trees the
change invalidated (``git write-tree``: for a flat folder, the folder's whole
tree) and the commit. Not included, for both alike: hashing the new files
and ``git commit``'s scan of the working tree. New objects go to
SCRATCH/objects (the archive's objects are read as an alternate), so the
archive is never changed and every run writes its trees afresh.

Standard library only, and no import of the benchmarks package: it runs by path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

# Fixed, so that the same change gives the same commit.
IDENTITY = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_AUTHOR_DATE": "1800000000 +0000",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_COMMITTER_DATE": "1800000000 +0000",
}
KINDS = ("paper", "notes")


def _environment(scratch: Path, kind: str | None = None) -> dict[str, str]:
    objects = subprocess.run(
        ["git", "rev-parse", "--path-format=absolute", "--git-path", "objects"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    env = {
        **os.environ,
        **IDENTITY,
        "GIT_OBJECT_DIRECTORY": str(scratch / "objects"),
        "GIT_ALTERNATE_OBJECT_DIRECTORIES": objects,
    }
    if kind is not None:
        env["GIT_INDEX_FILE"] = str(scratch / f"{kind}.index")
    return env


def _git(args: list[str], env: dict[str, str], given: str | None = None) -> str:
    done = subprocess.run(["git", *args], input=given, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"commit.py: git {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return done.stdout.strip()


def prepare(scratch: Path, source_folder: str, new_folder: str) -> None:
    (scratch / "objects").mkdir(parents=True, exist_ok=True)
    _git(["read-tree", "HEAD"], _environment(scratch, "paper"))
    shutil.copyfile(scratch / "paper.index", scratch / "notes.index")
    listed = _git(["ls-tree", "-r", "HEAD", "--", f"{source_folder}/"], _environment(scratch))
    entries = []
    for line in listed.splitlines():
        info, path = line.split("\t", 1)
        entries.append(f"{info}\t{new_folder}{path[len(source_folder) :]}\n")
    if not entries:
        raise SystemExit(f"commit.py: {source_folder} is not in HEAD")
    (scratch / "paper.entries").write_text("".join(entries), encoding="utf-8")
    blob = _git(["hash-object", "-w", "--stdin"], _environment(scratch), "a change\n")
    (scratch / "notes.entries").write_text(f"100644 blob {blob}\tnotes/log.txt\n", "utf-8")


def commit(scratch: Path, kind: str) -> str:
    env = _environment(scratch, kind)
    _git(["update-index", "--add", "--index-info"], env, (scratch / f"{kind}.entries").read_text())
    tree = _git(["write-tree"], env)
    return _git(["commit-tree", tree, "-p", "HEAD", "-m", f"Add {kind}"], env)


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "prepare":
        prepare(Path(argv[1]), argv[2], argv[3])
        return 0
    if len(argv) == 3 and argv[0] == "commit" and argv[2] in KINDS:
        print(commit(Path(argv[1]), argv[2]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
