"""Benchmark synthledger on a large generated archive; run by hand, never from tests.

Usage (from the repository root, with the development environment installed):

    .venv/bin/python scripts/benchmark.py [--records N] [--keep DIR] [--repeat K]
                                          [--json] [--only SECTION]

Section ``validate`` builds, in a temporary directory (or in DIR with --keep),
an archive of N synthesis records (default 10,000) derived from the bundled
seed records: new ids, one folder per id, texts varied deterministically from a
fixed seed, each folder with a copy of its seed's artifact (artifacts are
hashed). The archive also carries the repository's schemas/, records/policy/
and a pyproject.toml with ``[tool.synthledger]``. It then times, best of K
(default 3):

- ``synthledger validate --root DIR --format json`` on the whole archive; it
  must exit 0 and report no error (warnings are expected: the seeds drift);
- ``check-jsonschema`` on the same synthesis files against the same contract,
  fully offline: ``--base-uri`` points the schema at the local schemas/ folder
  so that its ``$ref`` to source-provenance-v1.json is read from disk, any
  proxy is pointed at a closed port so that a network fetch fails instead of
  happening, and a canary record that breaks only the referenced contract
  proves the reference is really followed. Both assert ``format`` (check-jsonschema
  by default, synthledger through jsonschema's format checker); check-jsonschema
  also checks ``date-time``, which jsonschema skips without rfc3339-validator:
  a few string parses, within the noise;
- ``synthledger validate <one file> --root DIR``, wall time including
  interpreter start; ``python -X importtime`` shows where its imports go.

Targets: check-jsonschema / synthledger >= 3 (synthledger does its schema
checks plus the semantic rules, line marks and artifact hashing, and still
should be at least 3 times faster); one file < 0.3 s, best and median (a
pre-commit hook must feel instant).

Results go to stdout as a table (or JSON with --json), progress to stderr.
Exit status: 0 every target met, 1 a target missed, 2 the benchmark itself
could not run (a tool missing, or the generated archive not clean).

Section ``history`` builds (with git fast-import) a repository whose
first-parent line holds 2N commits adding N papers (every tenth through a
merged side branch), and times ``synthledger manifest`` for all papers against
a bare ``git log --first-parent --name-status`` over the same history, with
the manifest build's peak memory. Targets: within 3x of git log; under 300 MB.

Adding a section: write ``def my_section(settings: Settings) -> SectionResult``
and register it in ``SECTIONS``; ``--only my-section`` then runs it alone. Each
section gets its own empty work directory (``settings.workdir / name``).
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

REPO = Path(__file__).resolve().parent.parent  # the repository root
SEED = 20260610  # fixed: the same N gives the same archive, byte for byte
SYNTHESIS_CONTRACT = "synthesis-v1"
TARGET_RATIO = 3.0
TARGET_ONE_FILE_SECONDS = 0.3
IMPORTS_SHOWN = 10
# Any HTTP(S) fetch goes to this closed port and fails: the benchmark stays offline.
NO_NETWORK = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9"}


class BenchmarkError(Exception):
    """The benchmark cannot run or its input is wrong: exit 2 with this message."""


# --- what a section reports ---------------------------------------------------


class Target(NamedTuple):
    """A bound a measurement must meet: ``value < bound`` or ``value >= bound``."""

    operator: str  # "<" or ">="
    bound: float
    unit: str

    def met(self, value: float) -> bool:
        return value < self.bound if self.operator == "<" else value >= self.bound

    def __str__(self) -> str:
        return f"{self.operator} {self.bound:g}{self.unit}"


class Measurement(NamedTuple):
    name: str
    value: float
    unit: str  # " s", "x" or "" (a count)
    target: Target | None = None

    @property
    def passed(self) -> bool | None:
        return None if self.target is None else self.target.met(self.value)


@dataclass
class SectionResult:
    measurements: list[Measurement]
    info: dict[str, Any] = field(default_factory=dict)  # extra detail, shown on stderr


@dataclass(frozen=True)
class Settings:
    records: int
    repeat: int
    workdir: Path  # each section works in workdir / <section name>
    bin_dir: Path  # the environment's bin/ (synthledger, check-jsonschema, python)

    def tool(self, name: str) -> Path:
        path = self.bin_dir / name
        if not path.is_file():
            raise BenchmarkError(f"{path} not found: install the dev extras ('.[dev]')")
        return path


Section = Callable[[Settings], SectionResult]


def progress(message: str) -> None:
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


# --- running and timing commands ------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float
    returncode: int
    stderr: str


def run_timed(
    command: Sequence[str | Path],
    *,
    cwd: Path | None = None,
    stdout: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Run:
    """Run ``command`` once; wall time from spawn to exit. Output goes to ``stdout`` or nowhere."""
    full_env = {**os.environ, **(env or {})}
    with Path(stdout or os.devnull).open("wb") as sink:
        start = time.perf_counter()
        done = subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            stdout=sink,
            stderr=subprocess.PIPE,
            env=full_env,
            check=False,
        )
        seconds = time.perf_counter() - start
    return Run(seconds, done.returncode, done.stderr.decode("utf-8", "replace"))


def read_json(output: Path, run: Run, what: str) -> Any:
    """The JSON ``what`` wrote to ``output``; a clear error when it wrote none."""
    try:
        return json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BenchmarkError(
            f"{what} exited {run.returncode} without a JSON report ({exc}):\n{run.stderr[-2000:]}"
        ) from exc


def repeat_timed(repeat: int, label: str, once: Callable[[], float]) -> list[float]:
    """``once()`` run ``repeat`` times; each returns the seconds it took."""
    times = []
    for attempt in range(1, repeat + 1):
        seconds = once()
        progress(f"{label}: run {attempt}/{repeat}: {seconds:.3f} s")
        times.append(seconds)
    return times


def argument_chunks(fixed: Sequence[str], paths: Sequence[str]) -> list[list[str]]:
    """``paths`` split so that each command line (``fixed`` + chunk) fits in ARG_MAX."""
    environment = sum(len(k) + len(v) + 2 + 8 for k, v in os.environ.items())
    budget = os.sysconf("SC_ARG_MAX") - environment - 8192
    budget -= sum(len(part.encode()) + 1 + 8 for part in fixed)
    chunks: list[list[str]] = [[]]
    used = 0
    for path in paths:
        size = len(path.encode()) + 1 + 8  # the string, its NUL, its argv pointer
        if chunks[-1] and used + size > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(path)
        used += size
    return chunks


# --- the generated archive ------------------------------------------------------


class Seed(NamedTuple):
    record: dict[str, Any]
    artifacts: list[Path]  # files the record pins, relative to its folder


# Words of the seeds' prose, and what a generated record may say instead.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "Llama3-70B": ("Llama3-70B", "Llama3-8B", "Mistral-7B", "Qwen2-72B", "Gemma-27B"),
    "Codestral-7B": ("Codestral-7B", "StarCoder2-15B", "DeepSeekCoder-6.7B", "CodeLlama-13B"),
    "Codestral-34B": ("Codestral-34B", "CodeLlama-34B", "WizardCoder-33B", "Phind-34B"),
    "SECURITYBENCH": ("SECURITYBENCH", "HUMANEVAL", "MBPP", "CYBERSECEVAL"),
    "SIMCOPILOT": ("SIMCOPILOT", "SANTACODER-FIM", "REPOBENCH", "CROSSCODEEVAL"),
    "latency": ("latency", "time to first token", "tail latency"),
    "accuracy": ("accuracy", "pass@1", "exact match"),
    "privacy": ("privacy", "robustness", "calibration"),
    "fine-tuning": ("fine-tuning", "instruction tuning", "preference tuning"),
}
ASIDES = (
    "Results were consistent across the retrieved studies.",
    "Several studies report conflicting measurements.",
    "Most evaluations were run on a single hardware configuration.",
    "Few studies report variance across random seeds.",
    "",
)
# Strings a YAML 1.2 core reader would take for a number, boolean or null.
_NOT_TEXT_IN_YAML_12 = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|null|Null|NULL|~|true|True|TRUE|false|False|FALSE"
)


class _RecordDumper(yaml.CSafeDumper):
    """Quotes every string that a YAML 1.1 or 1.2 reader could take for something else."""


def _represent_text(dumper: _RecordDumper, text: str) -> yaml.ScalarNode:
    style = '"' if _NOT_TEXT_IN_YAML_12.fullmatch(text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_RecordDumper.add_representer(str, _represent_text)


def load_seeds(records_dir: Path) -> list[Seed]:
    seeds = []
    for file in sorted(records_dir.glob("papers/*/synthesis.yaml")):
        record = yaml.safe_load(file.read_text(encoding="utf-8"))
        artifacts = [Path(entry["path"]) for entry in record.get("artifacts", [])]
        seeds.append(Seed(record, artifacts))
    if not seeds:
        raise BenchmarkError(f"no seed records in {records_dir}/papers/*/synthesis.yaml")
    return seeds


def record_id(index: int) -> str:
    """A 16-hex id like the seeds' own, the same for the same index on every run."""
    return hashlib.sha256(f"{SEED}:{index}".encode()).hexdigest()[:16]


def vary_text(text: str, choices: Mapping[str, str]) -> str:
    for word, replacement in choices.items():
        text = text.replace(word, replacement)
    return text


def varied_record(seed: Seed, paper_id: str, rng: random.Random) -> dict[str, Any]:
    """The seed with a new id and its prose reworded; counts, hashes and shape unchanged."""
    record = copy.deepcopy(seed.record)
    choices = {word: rng.choice(options) for word, options in VOCABULARY.items()}
    record["id"] = paper_id
    for key in ("title", "research_question", "abstract"):
        if isinstance(record.get(key), str):
            record[key] = vary_text(record[key], choices)
    aside = rng.choice(ASIDES)
    if aside and isinstance(record.get("abstract"), str):
        record["abstract"] = f"{record['abstract']} {aside}"
    sections = record.get("sections")
    if isinstance(sections, dict):
        for name, text in sections.items():
            sections[name] = vary_text(text, choices) if isinstance(text, str) else text
    claims = record.get("claims", {}).get("items", [])
    for claim in claims if isinstance(claims, list) else []:
        if isinstance(claim, dict) and isinstance(claim.get("text"), str):
            claim["text"] = vary_text(claim["text"], choices)
    return record


def render_record(record: dict[str, Any], seed_id: str) -> str:
    header = (
        f"# yaml-language-server: $schema=../../../schemas/{SYNTHESIS_CONTRACT}.json\n"
        f"# Generated by scripts/benchmark.py from seed {seed_id}.\n"
    )
    body = yaml.dump(record, Dumper=_RecordDumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def write_paper(papers: Path, seed: Seed, paper_id: str, rng: random.Random) -> Path:
    seed_folder = REPO / "records" / "papers" / str(seed.record["id"])
    folder = papers / paper_id
    folder.mkdir()
    for artifact in seed.artifacts:
        (folder / artifact).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed_folder / artifact, folder / artifact)
    synthesis = folder / "synthesis.yaml"
    record = varied_record(seed, paper_id, rng)
    synthesis.write_text(render_record(record, str(seed.record["id"])), encoding="utf-8")
    return synthesis


def build_archive(root: Path, count: int) -> list[Path]:
    """An archive of ``count`` synthesis records at ``root``; their files, sorted."""
    seeds = load_seeds(REPO / "records")
    shutil.copytree(REPO / "schemas", root / "schemas")
    shutil.copytree(REPO / "records" / "policy", root / "records" / "policy")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "synthledger-benchmark-archive"\nversion = "0"\n\n'
        '[tool.synthledger]\nrecords-dir = "records"\n',
        encoding="utf-8",
    )
    papers = root / "records" / "papers"
    papers.mkdir(parents=True)
    rng = random.Random(SEED)
    files = []
    for index in range(count):
        paper_id = record_id(index)
        if (papers / paper_id).exists():
            raise BenchmarkError(f"generated id {paper_id} twice: change SEED")
        files.append(write_paper(papers, seeds[index % len(seeds)], paper_id, rng))
        if (index + 1) % 2000 == 0:
            progress(f"  {index + 1}/{count} records written")
    return sorted(files)


# --- section "validate" ---------------------------------------------------------


def time_synthledger_archive(settings: Settings, root: Path) -> list[float]:
    """synthledger validate on the whole archive; it must find no error."""
    output = root.parent / "synthledger-findings.json"
    command: list[str | Path] = [
        settings.tool("synthledger"),
        "validate",
        "--root",
        root,
        "--format",
        "json",
    ]

    def once() -> float:
        run = run_timed(command, stdout=output)
        findings = read_json(output, run, "synthledger validate")
        errors = [f for f in findings if f.get("severity") == "error"]
        if run.returncode != 0 or errors:
            shown = "\n".join(f"{f['path']}:{f['line']}: {f['message']}" for f in errors[:5])
            raise BenchmarkError(
                f"synthledger validate exited {run.returncode} with {len(errors)} errors on "
                f"the generated archive (it must be clean):\n{shown}{run.stderr[-2000:]}"
            )
        return run.seconds

    return repeat_timed(settings.repeat, "synthledger validate (whole archive)", once)


def check_jsonschema_command(settings: Settings, root: Path) -> list[str]:
    schema = root / "schemas" / f"{SYNTHESIS_CONTRACT}.json"
    return [
        str(settings.tool("check-jsonschema")),
        "--schemafile",
        str(schema),
        "--base-uri",
        schema.as_uri(),  # its relative $ref then names the local file
    ]


def check_canary(settings: Settings, root: Path, sample: Path) -> None:
    """check-jsonschema must reject a record that breaks only the $ref'd contract."""
    record = yaml.safe_load(sample.read_text(encoding="utf-8"))
    record["provenance"]["contract"] = "not-source-provenance"
    canary = root.parent / "canary.yaml"
    canary.write_text(yaml.safe_dump(record, sort_keys=False), encoding="utf-8")
    output = root.parent / "canary.json"
    command = [*check_jsonschema_command(settings, root), "-o", "json", str(canary)]
    report = read_json(output, run_timed(command, stdout=output, env=NO_NETWORK), "canary")
    paths = [error.get("path") for error in report.get("errors", [])]
    if "$.provenance.contract" not in paths:
        raise BenchmarkError(
            "check-jsonschema did not apply source-provenance-v1 to a canary record: "
            f"its $ref is not being followed (report: {report})"
        )


def time_check_jsonschema(settings: Settings, root: Path, files: Sequence[Path]) -> list[float]:
    """check-jsonschema on the same files, chunked to fit the command line; times summed."""
    fixed = check_jsonschema_command(settings, root)
    relative = [file.relative_to(root).as_posix() for file in files]
    chunks = argument_chunks(fixed, relative)
    if len(chunks) > 1:
        # Each extra command line pays one more interpreter start: say so.
        progress(f"check-jsonschema: {len(chunks)} command lines (ARG_MAX); times are summed")

    def once() -> float:
        total = 0.0
        for chunk in chunks:
            run = run_timed([*fixed, *chunk], cwd=root, env=NO_NETWORK)
            if run.returncode != 0:
                raise BenchmarkError(
                    f"check-jsonschema exited {run.returncode} on the generated archive:\n"
                    f"{run.stderr[-2000:]}"
                )
            total += run.seconds
        return total

    return repeat_timed(settings.repeat, "check-jsonschema (same files)", once)


def time_one_file(settings: Settings, root: Path, file: Path) -> list[float]:
    command: list[str | Path] = [settings.tool("synthledger"), "validate", file, "--root", root]

    def once() -> float:
        run = run_timed(command)
        if run.returncode != 0:
            raise BenchmarkError(
                f"synthledger validate {file} exited {run.returncode}:\n{run.stderr[-2000:]}"
            )
        return run.seconds

    return repeat_timed(settings.repeat, "synthledger validate (one file)", once)


class ImportTime(NamedTuple):
    module: str
    depth: int  # 0 for an import the program made itself, 1 for one that import made, ...
    cumulative_us: int

    def __str__(self) -> str:
        return f"{self.cumulative_us / 1000:7.1f} ms  {'  ' * self.depth}{self.module}"


def parse_importtime(stderr: str) -> list[ImportTime]:
    """The lines of ``python -X importtime`` output (``self | cumulative | module``)."""
    found = []
    for line in stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or len(fields) != 3:
            continue
        if not fields[1].strip().isdigit():
            continue  # the header line
        name = fields[2].rstrip()
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        found.append(ImportTime(name.strip(), depth, int(fields[1])))
    return found


def one_file_imports(settings: Settings, root: Path, file: Path) -> list[ImportTime]:
    """The slowest imports (cumulative) of ``synthledger validate <file>``."""
    python = settings.tool("python")
    command: list[str | Path] = [python, "-X", "importtime", settings.tool("synthledger")]
    run = run_timed([*command, "validate", file, "--root", root])
    imports = parse_importtime(run.stderr)
    return sorted(imports, key=lambda entry: -entry.cumulative_us)[:IMPORTS_SHOWN]


def validate_section(settings: Settings) -> SectionResult:
    root = settings.workdir / "validate" / "archive"
    progress(f"building an archive of {settings.records} records in {root}")
    start = time.perf_counter()
    files = build_archive(root, settings.records)
    progress(f"archive built in {time.perf_counter() - start:.1f} s")
    whole = time_synthledger_archive(settings, root)
    check_canary(settings, root, files[0])
    other = time_check_jsonschema(settings, root, files)
    one = time_one_file(settings, root, files[0])
    imports = one_file_imports(settings, root, files[0])
    one_file_target = Target("<", TARGET_ONE_FILE_SECONDS, " s")
    return SectionResult(
        measurements=[
            Measurement("records", settings.records, ""),
            Measurement("synthledger validate, whole archive", min(whole), " s"),
            Measurement("check-jsonschema, same files", min(other), " s"),
            Measurement(
                "ratio check-jsonschema / synthledger",
                min(other) / min(whole),
                "x",
                Target(">=", TARGET_RATIO, "x"),
            ),
            Measurement("one file, best", min(one), " s", one_file_target),
            Measurement("one file, median", statistics.median(one), " s", one_file_target),
        ],
        info={
            "one file": str(files[0].relative_to(root)),
            "all times (s)": {
                "synthledger validate, whole archive": whole,
                "check-jsonschema, same files": other,
                "one file": one,
            },
            f"slowest {IMPORTS_SHOWN} imports of the one-file run (cumulative)": [
                str(entry) for entry in imports
            ],
        },
    )


# A section is a function of the settings; register new ones here (e.g. "history").
# --- history: manifests from 20,000 commits ----------------------------------


def build_history(root: Path, records: int, commits: int) -> int:
    """A repository whose first-parent line has ``commits`` commits adding ``records``
    papers (every tenth through a merged side branch, carrying a correction too)
    and touching a notes file in between. Built with git fast-import: seconds,
    not the minutes that ``git commit`` in a loop would take."""
    seed = (REPO / "records/papers/ff1b47c123e856ad/synthesis.yaml").read_text(encoding="utf-8")
    report_bytes = (REPO / "records/papers/ff1b47c123e856ad/artifacts/report.md").read_bytes()
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream: list[bytes] = []
    marks = iter(range(1, 10**9))

    def blob(data: bytes) -> str:
        mark = next(marks)
        stream.append(b"blob\nmark :%d\ndata %d\n%s\n" % (mark, len(data), data))
        return f":{mark}"

    def commit(ref: str, n: int, files: list[tuple[str, str]], parents: Sequence[str]) -> str:
        mark = next(marks)
        message = f"commit {n}"
        lines = [
            f"commit {ref}",
            f"mark :{mark}",
            f"committer Bench <bench@example.org> {1_767_225_600 + 60 * n} +0000",
            f"data {len(message)}",
            message,
            *(f"{word} {parent}" for word, parent in zip(("from", "merge"), parents, strict=False)),
            *(f"M 100644 {b} {p}" for p, b in files),
            "",
        ]
        stream.append("\n".join(lines).encode() + b"\n")
        return f":{mark}"

    first = [
        (f"schemas/{p.name}", blob(p.read_bytes()))
        for p in sorted((REPO / "schemas").glob("*.json"))
    ]
    first += [
        (f"records/policy/{p.name}", blob(p.read_bytes()))
        for p in (REPO / "records/policy").glob("*.yaml")
    ]
    first.append(("pyproject.toml", blob(b"[tool.synthledger]\n")))
    tip = commit("refs/heads/main", 0, first, [])
    report = blob(report_bytes)
    made, n = 1, 1
    per_record = max(1, commits // records)
    for index in range(records):
        paper = record_id(index)
        text = seed.replace("id: ff1b47c123e856ad", f'id: "{paper}"').replace(
            "ff1b47c123e856ad", paper
        )
        files = [
            (f"records/papers/{paper}/synthesis.yaml", blob(text.encode())),
            (f"records/papers/{paper}/artifacts/report.md", report),
        ]
        if index % 10 == 9:
            side = commit("refs/heads/side", n, files, [tip])
            # fast-import takes a merge's tree from its first parent plus the
            # changes listed: list the side's files, as git merge would.
            tip = commit("refs/heads/main", n + 1, files, [tip, side])
            n += 2
        else:
            tip = commit("refs/heads/main", n, files, [tip])
            n += 1
        made += 1
        for _ in range(per_record - 1):
            tip = commit("refs/heads/main", n, [("notes/log.txt", blob(f"{n}\n".encode()))], [tip])
            n += 1
            made += 1
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input=b"".join(stream), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=root, check=True)
    return made


def timed_with_memory(command: Sequence[str], cwd: Path) -> tuple[float, int]:
    """Wall time and peak resident memory (bytes) of ``command`` and what it waited for."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise BenchmarkError(
            f"{command[0]} failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    return elapsed, usage.ru_maxrss * 1024  # Linux reports kilobytes


def history_section(settings: Settings) -> SectionResult:
    root = settings.workdir / "history" / "archive"
    progress(
        f"building a repository: {settings.records:,} records, {2 * settings.records:,} commits"
    )
    first_parent = build_history(root, settings.records, 2 * settings.records)
    git_log = ["git", "log", "--first-parent", "--name-status"]
    log_times, manifest_times, peaks = [], [], []
    for round_ in range(settings.repeat):
        progress(f"history round {round_ + 1}/{settings.repeat}")
        log_times.append(timed_with_memory(git_log, root)[0])
        # A fresh output directory each round, as on a clean CI checkout: a
        # second build into the same one would find its files written.
        out = root.parent / f"out-{round_ + 1}"
        manifest = [str(settings.tool("synthledger")), "manifest", "--out", str(out)]
        seconds, peak = timed_with_memory(manifest, root)
        manifest_times.append(seconds)
        peaks.append(peak)
    best_log, best_manifest = min(log_times), min(manifest_times)
    return SectionResult(
        [
            Measurement("history: first-parent commits", first_parent, ""),
            Measurement("history: git log --first-parent --name-status", best_log, " s"),
            Measurement("history: synthledger manifest (all papers)", best_manifest, " s"),
            Measurement(
                "history: manifest / git log", best_manifest / best_log, "x", Target("<", 3.0, "x")
            ),
            Measurement(
                "history: manifest peak memory", max(peaks) / 2**20, " MB", Target("<", 300, " MB")
            ),
        ],
        {"git_log_seconds": log_times, "manifest_seconds": manifest_times},
    )


SECTIONS: dict[str, Section] = {
    "validate": validate_section,
    "history": history_section,
}


# --- reporting ------------------------------------------------------------------


def measured_commit() -> str:
    """The repository's HEAD, marked when src/ in the working tree differs from it."""
    git = ["git", "-C", str(REPO)]
    head = subprocess.run(
        [*git, "rev-parse", "--short=12", "HEAD"], capture_output=True, check=False
    )
    status = subprocess.run(
        [*git, "status", "--porcelain", "--", "src"], capture_output=True, check=False
    )
    if head.returncode != 0:
        return "unknown"
    changed = "+changes in src/" if status.stdout.strip() else ""
    return head.stdout.decode().strip() + changed


def environment() -> dict[str, Any]:
    return {
        "commit": measured_commit(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpus usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
    }


def verdict(measurement: Measurement) -> str:
    return {None: "", True: "PASS", False: "FAIL"}[measurement.passed]


def formatted(measurement: Measurement) -> str:
    if measurement.unit == "":
        return f"{measurement.value:,.0f}"
    if measurement.unit == "x":
        return f"{measurement.value:.2f}x"
    return f"{measurement.value:.3f}{measurement.unit}"


def table_lines(
    results: Mapping[str, SectionResult], settings: Settings, env: Mapping[str, Any]
) -> Iterator[str]:
    yield (
        f"synthledger benchmark: N={settings.records:,} records, best of {settings.repeat}; "
        f"Python {env['python']} ({env['implementation']}), {env['cpus']} CPUs "
        f"({env['cpus usable']} usable), {env['platform']}; synthledger at {env['commit']}"
    )
    rows = [("section", "measurement", "value", "target", "verdict")]
    for name, result in results.items():
        rows.extend(
            (name, m.name, formatted(m), "" if m.target is None else str(m.target), verdict(m))
            for m in result.measurements
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        yield "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()


def as_json(
    results: Mapping[str, SectionResult], settings: Settings, env: Mapping[str, Any]
) -> dict[str, Any]:
    return {
        "records": settings.records,
        "repeat": settings.repeat,
        "environment": dict(env),
        "sections": {
            name: {
                "measurements": [
                    {
                        "name": m.name,
                        "value": m.value,
                        "unit": m.unit.strip(),
                        "target": None if m.target is None else str(m.target),
                        "passed": m.passed,
                    }
                    for m in result.measurements
                ],
                "info": result.info,
            }
            for name, result in results.items()
        },
        "passed": all_passed(results),
    }


def all_passed(results: Mapping[str, SectionResult]) -> bool:
    return all(m.passed is not False for r in results.values() for m in r.measurements)


def report(
    results: Mapping[str, SectionResult],
    settings: Settings,
    env: Mapping[str, Any],
    *,
    as_json_: bool,
) -> None:
    if as_json_:
        json.dump(as_json(results, settings, env), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for line in table_lines(results, settings, env):
        print(line)
    for name, result in results.items():
        for key, value in result.info.items():
            print(f"[{name}] {key}:", file=sys.stderr)
            lines = value if isinstance(value, list) else json.dumps(value, indent=2).splitlines()
            for line in lines:
                print(f"  {line}", file=sys.stderr)


# --- command line ---------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="benchmark.py",
        description=__doc__.split("\n\n", 1)[0] if __doc__ else None,
    )
    parser.add_argument(
        "--records",
        type=_positive,
        default=10_000,
        metavar="N",
        help="synthesis records in the generated archive (default: 10000)",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="build in DIR (absent or empty) and keep it, instead of a temp dir",
    )
    parser.add_argument(
        "--repeat",
        type=_positive,
        default=3,
        metavar="K",
        help="runs per measurement; the best counts (default: 3)",
    )
    parser.add_argument("--json", action="store_true", help="results as JSON on stdout")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(SECTIONS),
        metavar="SECTION",
        help=f"run only this section (repeatable): {', '.join(SECTIONS)}",
    )
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def run_sections(names: Sequence[str], settings: Settings) -> dict[str, SectionResult]:
    results = {}
    for name in names:
        progress(f"section {name}")
        (settings.workdir / name).mkdir(parents=True)
        results[name] = SECTIONS[name](settings)
    return results


def prepare_keep(directory: Path) -> Path:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise BenchmarkError(f"--keep {directory}: must be absent or an empty directory")
    directory.mkdir(parents=True, exist_ok=True)
    return directory.resolve()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = list(dict.fromkeys(args.only or SECTIONS))
    env = environment()  # before the run: others may commit meanwhile
    bin_dir = Path(sys.executable).parent  # not resolved: the venv's bin/, not the base's
    try:
        with tempfile.TemporaryDirectory(prefix="synthledger-benchmark-") as temporary:
            workdir = prepare_keep(args.keep) if args.keep else Path(temporary)
            settings = Settings(args.records, args.repeat, workdir, bin_dir)
            results = run_sections(names, settings)
    except BenchmarkError as exc:
        print(f"benchmark: error: {exc}", file=sys.stderr)
        return 2
    report(results, settings, env, as_json_=args.json)
    return 0 if all_passed(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
