"""A large archive with a realistic history, built by ``git fast-import`` in a minute or two.

Every paper is a copy of the example paper 482203de28464b46 (its synthesis,
three artifacts and a verification record), under a new id. In the ``full``
history each paper is added in its own commit, and each such commit is
followed by one unrelated commit (a notes file), as in a repository that
holds more than the archive. In the ``batched`` history the papers are added
``BATCH`` a commit, each batch followed by an unrelated commit: a flat folder
of 100,000 papers makes every commit write a tree as large as the folder, so
the full history would hash about 215 GB of trees, the batched one about 0.2 GB.
Either way the last commit adds one more paper alone (``HEAD~1..HEAD`` is a
one-paper pull request) and the tip tree is the same, byte for byte.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = "482203de28464b46"
# Meets the bundled policy's DOI-grade thresholds: what the Crossref deposit case needs.
DOI_GRADE_EXAMPLE = "5291ede05b044497"
# 2026-11-01: the bundled policy (effective 2026-06-10) is in force, so tiers apply.
POLICY_IN_FORCE = 1_793_527_200
SEED = 20260610  # fixed: the same count gives the same archive, byte for byte
START = 1_767_225_600  # 2026-01-01T00:00:00Z: after the policy's effective date
LAYOUTS = ("flat", "sharded")
HISTORIES = ("full", "batched")
BATCH = 1000  # papers a commit in the batched history


def paper_id(index: int) -> str:
    """A 16-hex id like the example's own, the same for the same index on every run.

    It starts with a letter, so that no YAML reader takes it for a number."""
    digest = hashlib.sha256(f"{SEED}:{index}".encode()).hexdigest()
    return "abcdef"[int(digest[0], 16) % 6] + digest[1:16]


def paper_folder(paper: str, layout: str) -> str:
    """Where a paper's folder is: ``records/papers/<id>`` or, sharded, ``.../<id[:2]>/<id>``."""
    return (
        f"records/papers/{paper[:2]}/{paper}" if layout == "sharded" else f"records/papers/{paper}"
    )


def pyproject(layout: str) -> bytes:
    text = '[project]\nname = "benchmark-archive"\nversion = "0"\n\n[tool.synthledger]\n'
    text += 'records-dir = "records"\n'
    # What an export says of the archive (the Crossref deposit needs all four).
    text += 'doi-prefix = "10.99999"\nsite-url = "https://archive.example.org/"\n'
    text += 'depositor-name = "Benchmark Archive"\ndepositor-email = "bench@example.org"\n'
    if layout == "sharded":
        text += 'paper-folders = "sharded"\n'
    return text.encode()


@dataclass(frozen=True)
class Built:
    root: Path
    papers: int  # including the pull request's
    commits: int
    pull_request_paper: str  # the paper HEAD adds
    pull_request_folder: str
    # Defaults for the notes of archives built before these fields were recorded.
    layout: str = "flat"
    history: str = "full"


class _Stream:
    """Writes a fast-import stream as it is made: 100,000 papers never sit in memory."""

    def __init__(self, sink: IO[bytes], start: int = START) -> None:
        self.sink = sink
        self.start = start
        self.next_mark = 1
        self.commits = 0

    def _mark(self) -> str:
        mark, self.next_mark = self.next_mark, self.next_mark + 1
        return f":{mark}"

    def blob(self, data: bytes) -> str:
        mark = self._mark()
        self.sink.write(b"blob\nmark %s\ndata %d\n%s\n" % (mark.encode(), len(data), data))
        return mark

    def commit(self, parent: str | None, files: list[tuple[str, str]], message: str) -> str:
        mark = self._mark()
        when = self.start + 60 * self.commits
        lines = [
            "commit refs/heads/main",
            f"mark {mark}",
            f"author Bench <bench@example.org> {when} +0000",
            f"committer Bench <bench@example.org> {when} +0000",
            f"data {len(message.encode())}",
            message,
            *([f"from {parent}"] if parent else []),
            *(f"M 100644 {blob} {path}" for path, blob in files),
            "",
        ]
        self.sink.write("\n".join(lines).encode() + b"\n")
        self.commits += 1
        return mark


def build(
    root: Path,
    papers: int,
    layout: str = "flat",
    example: str = EXAMPLE,
    history: str = "full",
    batch: int = BATCH,
) -> Built:
    """An archive at ``root`` (absent or empty) with ``papers`` papers (the last one is HEAD),
    copies of ``example``; the DOI-grade one's archive is dated after the policy took effect."""
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, not {layout!r}")
    if history not in HISTORIES:
        raise ValueError(f"history must be one of {HISTORIES}, not {history!r}")
    example_dir = REPO / "records" / "papers" / example
    synthesis = (example_dir / "synthesis.yaml").read_text(encoding="utf-8")
    verifications = sorted((example_dir / "verifications").glob("*.yaml"))
    artifacts = sorted(p for p in (example_dir / "artifacts").iterdir() if p.is_file())
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    process = subprocess.Popen(
        ["git", "fast-import", "--quiet", "--done"], cwd=root, stdin=subprocess.PIPE
    )
    assert process.stdin is not None
    stream = _Stream(process.stdin, POLICY_IN_FORCE if example == DOI_GRADE_EXAMPLE else START)
    first = [(f"schemas/{p.name}", stream.blob(p.read_bytes())) for p in _sorted(REPO / "schemas")]
    first += [
        (f"records/policy/{p.name}", stream.blob(p.read_bytes()))
        for p in _sorted(REPO / "records" / "policy")
    ]
    first.append(("pyproject.toml", stream.blob(pyproject(layout))))
    tip = stream.commit(None, first, "The archive opens")
    shared = [(f"artifacts/{p.name}", stream.blob(p.read_bytes())) for p in artifacts]

    def paper_files(index: int) -> tuple[str, str, list[tuple[str, str]]]:
        paper = paper_id(index)
        folder = paper_folder(paper, layout)
        own = [
            ("synthesis.yaml", stream.blob(synthesis.replace(example, paper).encode())),
            *(
                (
                    f"verifications/{v.name}",
                    stream.blob(v.read_text(encoding="utf-8").replace(example, paper).encode()),
                )
                for v in verifications
            ),
        ]
        return paper, folder, [(f"{folder}/{name}", blob) for name, blob in [*own, *shared]]

    def unrelated(n: int, parent: str) -> str:
        # The notes file ends holding the last index in both histories: the same tip tree.
        return stream.commit(parent, [("notes/log.txt", stream.blob(b"%d\n" % n))], f"Notes {n}")

    step = 1 if history == "full" else batch
    for first_index in range(0, papers - 1, step):
        indices = range(first_index, min(first_index + step, papers - 1))
        files = [f for index in indices for f in paper_files(index)[2]]
        message = (
            f"Add paper {paper_id(first_index)}"
            if len(indices) == 1
            else f"Add papers {indices[0]}-{indices[-1]}"
        )
        tip = stream.commit(tip, files, message)
        tip = unrelated(indices[-1], tip)
    paper, folder, files = paper_files(papers - 1)
    tip = stream.commit(tip, files, f"Add paper {paper}")
    process.stdin.write(b"done\n")
    process.stdin.close()
    if process.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    return Built(root, papers, stream.commits, paper, folder, layout, history)


def _sorted(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_file())
