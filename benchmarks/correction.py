"""A pull request that corrects an older paper: a clone of the archive with one more commit.

Run as a script from the archive's root (the benchmark's untimed preparation):

    python correction.py SYNTHLEDGER SCRATCH FOLDER

makes SCRATCH/pr, a clone sharing the archive's objects (``git clone
--shared``) with only what the check reads checked out (the settings, the
contracts, the policies and FOLDER), and commits there a correction of
FOLDER's paper, written by ``synthledger correct`` and filled in. Its HEAD~1
is the archive's HEAD: ``check --base HEAD~1`` in SCRATCH/pr is CI on that
pull request. The archive is never changed.

Standard library only. It runs by path, untimed, so it may import the benchmarks
package (for the commit script's fixed identity and dates).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.commit import IDENTITY

REASON = "The abstract gives the wrong number of defining constants, which the synthesis repeats."
# What `synthledger correct` leaves to fill in, and what this pull request says.
FILLED = {
    '  name: ""  # FILL IN: the person or body that issues the correction': '  name: "Bench"',
    '  role: "FILL IN"  # FILL IN: one of author, publisher, editor, archive-maintainer, '
    "generator-operator": "  role: archive-maintainer",
    '  - "FILL IN"  # FILL IN: a reason code': "  - error-in-text",
}


def _run(args: list[str | Path], cwd: Path | None = None) -> str:
    done = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, env={**os.environ, **IDENTITY}
    )
    if done.returncode != 0:
        shown = " ".join(str(arg) for arg in args)
        raise SystemExit(f"correction.py: {shown} exited {done.returncode}: {done.stderr}")
    return done.stdout


def prepare(tool: Path, scratch: Path, folder: str) -> Path:
    pr = scratch / "pr"
    _run(["git", "clone", "-q", "--shared", "--no-checkout", ".", pr])
    patterns = ["/pyproject.toml", "/schemas/", "/records/policy/", f"/{folder}/"]
    _run(["git", "sparse-checkout", "set", "--no-cone", *patterns], cwd=pr)
    _run(["git", "checkout", "-q", "HEAD"], cwd=pr)
    paper = folder.rsplit("/", 1)[1]
    kind: list[str | Path] = [
        "--kind",
        "clarification",
        "--reason",
        REASON,
        "--no-input",
        "--root",
        pr,
    ]
    _run([tool, "correct", paper, *kind])
    (record,) = (pr / folder / "corrections").glob("*.yaml")
    text = record.read_text(encoding="utf-8")
    for blank, value in FILLED.items():
        if blank not in text:
            raise SystemExit(f"correction.py: {record} has no line {blank!r}")
        text = text.replace(blank, value)
    record.write_text(text, encoding="utf-8")
    _run(["git", "add", "--", record], cwd=pr)
    _run(["git", "commit", "-q", "--no-verify", "-m", f"Correct {paper}"], cwd=pr)
    return pr


def main(argv: list[str]) -> int:
    if len(argv) == 3:
        print(prepare(Path(argv[0]), Path(argv[1]), argv[2]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
