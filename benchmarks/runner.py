"""Build the archives, run the cases, print each figure beside its floor.

Usage (from the repository root, with the development environment installed):

    .venv/bin/python scripts/benchmark.py [--papers N ...] [--layout flat|sharded ...]
                                          [--history full|batched] [--case NAME ...]
                                          [--repeat K] [--work DIR] [--json]

Archives are built once into --work (default /tmp/synthledger-benchmark) and
reused by later runs with the same size, layout and history
(archive-<layout>-<papers>[-batched]). The full history adds one paper a
commit; the batched one adds 1,000 a commit, the same tip tree, and
``HEAD~1..HEAD`` adds one paper in both: it makes a flat 100,000-paper
archive buildable in minutes, for the cases that read the tip or the pull
request (a history walk reads far fewer commits). For each archive the
trees its last commit wrote are listed with their sizes. A figure is the best of K
runs (default 3) and the largest peak memory of them; its floor is the best of
K runs of git's own command for the same work, and the ratio is figure /
floor. The machine's load is printed with the figures: on a shared machine,
read them with it. Exit status: 0 every target met, 1 a target missed, 2 the
benchmark itself could not run. ``python -m benchmarks.validate_archive``
compares ``validate`` on a whole working tree with check-jsonschema.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks import trees
from benchmarks.archive import EXAMPLE, HISTORIES, LAYOUTS, Built, build
from benchmarks.cases import CASES, Case
from benchmarks.measure import BenchmarkError, Figure, best, load, measure

DEFAULT_WORK = Path("/tmp/synthledger-benchmark")
BUILT_NOTE = "benchmark-built.json"  # inside .git: what was built, so that a rerun reuses it


@dataclass(frozen=True)
class Row:
    case: str
    what: str
    papers: int
    layout: str
    history: str
    seconds: float
    peak_mb: float
    floor_seconds: float
    floor_peak_mb: float
    ratio: float
    target: str
    passed: bool
    load_before: str
    load_after: str


def progress(message: str) -> None:
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


def archive_root(
    work: Path, papers: int, layout: str, example: str = EXAMPLE, history: str = "full"
) -> Path:
    # The full history of the example keeps its name: later runs reuse what earlier ones built.
    suffix = "" if history == "full" else f"-{history}"
    suffix += "" if example == EXAMPLE else f"-{example}"
    return work / f"archive-{layout}-{papers}{suffix}"


def archive(
    work: Path, papers: int, layout: str, example: str = EXAMPLE, history: str = "full"
) -> Built:
    root = archive_root(work, papers, layout, example, history)
    note = root / ".git" / BUILT_NOTE
    if note.is_file():
        fields = json.loads(note.read_text(encoding="utf-8"))
        # Notes written before layout and history were recorded: the folder's name says them.
        given = {"layout": layout, "history": history}
        return Built(**{**given, **fields, "root": Path(fields["root"])})
    if root.exists():
        shutil.rmtree(root)  # an interrupted build
    progress(f"building {papers:,} papers ({layout}, {history}) in {root} with git fast-import")
    built = build(root, papers, layout, example, history)
    note.write_text(json.dumps({**asdict(built), "root": str(root)}), encoding="utf-8")
    return built


def run_case(case: Case, built: Built, layout: str, tool: Path, work: Path, repeat: int) -> Row:
    scratch = work / f"scratch-{os.getpid()}"  # its own: other runs may share --work
    load_before = load()
    figures, floors = [], []
    for attempt in range(repeat):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        if case.prepare is not None:
            measure(case.prepare(tool, built, scratch), built.root, accept=case.accept)
        figures.append(measure(case.command(tool, built, scratch), built.root, accept=case.accept))
        floors.append(measure(case.floor(built, scratch), built.root))
        progress(
            f"{case.name} at {built.papers:,} ({layout}), run {attempt + 1}/{repeat}: "
            f"{figures[-1].seconds:.2f} s, {figures[-1].peak_mb:.0f} MB; "
            f"floor {floors[-1].seconds:.2f} s"
        )
    shutil.rmtree(scratch, ignore_errors=True)
    figure, floor = best(figures), best(floors)
    ratio = figure.seconds / floor.seconds if floor.seconds else float("inf")
    return Row(
        case.name,
        case.what,
        built.papers,
        layout,
        built.history,
        figure.seconds,
        figure.peak_mb,
        floor.seconds,
        floor.peak_mb,
        ratio,
        str(case.target),
        _met(case, figure, ratio),
        load_before,
        load(),
    )


def _met(case: Case, figure: Figure, ratio: float) -> bool:
    target = case.target
    return (
        (target.seconds is None or figure.seconds < target.seconds)
        and (target.peak_mb is None or figure.peak_mb < target.peak_mb)
        and (target.ratio is None or ratio < target.ratio)
    )


def table(rows: Sequence[Row]) -> list[str]:
    header = (
        "case",
        "papers",
        "layout",
        "history",
        "time",
        "peak",
        "floor",
        "floor peak",
        "ratio",
        "target",
        "",
    )
    lines = [header]
    for row in rows:
        lines.append(
            (
                row.case,
                f"{row.papers:,}",
                row.layout,
                row.history,
                f"{row.seconds:.2f} s",
                f"{row.peak_mb:.0f} MB",
                f"{row.floor_seconds:.2f} s",
                f"{row.floor_peak_mb:.0f} MB",
                f"{row.ratio:.1f}x",
                row.target,
                ("PASS" if row.passed else "FAIL") if row.target else "",
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip() for line in lines
    ]


def environment() -> dict[str, Any]:
    repo = Path(__file__).resolve().parent.parent
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {"commit": head.stdout.strip() or "unknown", "python": sys.version.split()[0]}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmark.py", description=__doc__.split("\n\n", 1)[0] if __doc__ else None
    )
    parser.add_argument(
        "--papers",
        type=int,
        action="append",
        metavar="N",
        help="archive size, repeatable (default: 10000; the targets are for 10000 and 100000)",
    )
    parser.add_argument(
        "--layout",
        action="append",
        choices=LAYOUTS,
        help="paper folders, repeatable (default: flat)",
    )
    parser.add_argument(
        "--history",
        choices=HISTORIES,
        default="full",
        help="one paper a commit (full, the default) or 1,000 (batched: a flat 100,000 in minutes)",
    )
    parser.add_argument(
        "--case",
        action="append",
        choices=[case.name for case in CASES],
        help="run only this case, repeatable (default: all)",
    )
    parser.add_argument("--repeat", type=int, default=3, metavar="K", help="runs per figure")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, metavar="DIR", help="archives")
    parser.add_argument("--json", action="store_true", help="the rows as JSON on stdout")
    return parser


def compile_tool() -> None:
    """Write the bytecode of synthledger's modules, as installing a wheel does (pip
    compiles them): an editable install under PYTHONDONTWRITEBYTECODE=1 would otherwise
    compile every module it imports on every run, and time that instead of the tool."""
    import synthledger

    package = Path(synthledger.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    cases = [case for case in CASES if not args.case or case.name in args.case]
    tool = Path(sys.executable).parent / "synthledger"  # the venv's bin/, not resolved
    rows: list[Row] = []
    written: dict[str, list[trees.Tree]] = {}  # by archive folder
    work = args.work.resolve()
    try:
        if not tool.is_file():
            raise BenchmarkError(f"{tool} not found: install the project (pip install -e .)")
        compile_tool()
        for papers in args.papers or [10_000]:
            for layout in args.layout or ["flat"]:
                for case in cases:
                    built = archive(work, papers, layout, case.example, args.history)
                    if built.root.name not in written:
                        written[built.root.name] = trees.written(
                            built.root, built.pull_request_folder
                        )
                    rows.append(run_case(case, built, layout, tool, work, args.repeat))
    except BenchmarkError as exc:
        print(f"benchmark: error: {exc}", file=sys.stderr)
        return 2
    env = environment()
    if args.json:
        shown = {name: [t._asdict() for t in listed] for name, listed in written.items()}
        document = {"environment": env, "rows": [asdict(r) for r in rows], "trees": shown}
        json.dump(document, sys.stdout, indent=2)
        print()
    else:
        print(f"synthledger at {env['commit']}, Python {env['python']}, best of {args.repeat}")
        print("\n".join(table(rows)))
        for row in rows:
            print(
                f"  {row.case} {row.papers:,} {row.layout} {row.history}: "
                f"{row.load_before} -> {row.load_after}"
            )
        for name, listed in written.items():
            total = sum(tree.size for tree in listed)
            print(f"trees the last commit wrote in {name}: {total:,} bytes")
            for tree in listed:
                print(f"  {tree.path or '(root)'}: {tree.entries:,} entries, {tree.size:,} bytes")
    return 0 if all(row.passed for row in rows) else 1
