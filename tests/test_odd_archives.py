"""Archives in odd places and states: a subfolder of a larger repository, unreadable
folders, special files. Every command gives located findings or one line, never a crash."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.archive import Archive, value_at
from support.odd import WITHOUT_ROOT_READS, cli, commit_all, committed

pytestmark = pytest.mark.usefixtures("isolated_git")


# --- an archive in a subfolder of its git repository (a monorepo) ---------------------


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["manifest", "--out", "{tmp}/manifests"],
        ["audit"],
        ["show", "p1"],
        ["site", "--out", "{tmp}/site"],
        ["check"],
        ["additive", "--all"],
    ],
)
def test_every_command_works_with_the_archive_in_a_subfolder(
    tmp_path: Path, args: list[str]
) -> None:
    archive = committed(tmp_path / "monorepo", subfolder="services/archive")
    (archive.root / "pyproject.toml").write_text("[tool.synthledger]\n")

    result = cli([a.format(tmp=tmp_path) for a in args], archive.root)

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_manifests_of_an_archive_in_a_subfolder_name_paths_from_its_root(tmp_path: Path) -> None:
    archive = committed(tmp_path / "monorepo", subfolder="services/archive")

    result = cli(["manifest", "p1", "--out", "-"], archive.root)

    assert result.returncode == 0, result.stderr
    assert '"path": "records/papers/p1/synthesis.yaml"' in result.stdout


# --- unreadable folders and files -----------------------------------------------------

needs_mode_bits = pytest.mark.skipif(
    os.geteuid() == 0 and WITHOUT_ROOT_READS == [],
    reason="root reads any file, and setpriv is missing to drop that power",
)

UNREADABLE_FOLDER = (
    "error[SL017]: cannot read the folder (permission denied): its records would go "
    "unchecked; make it readable (chmod u+rx), or remove it"
)


@pytest.fixture
def with_policy(tmp_path: Path) -> Archive:
    archive = Archive(tmp_path / "archive")
    archive.add_synthesis()
    archive.add_policy()
    return archive


def unreadable(path: Path) -> Iterator[None]:
    mode = path.stat().st_mode
    path.chmod(0)
    try:
        yield
    finally:
        path.chmod(mode)


@needs_mode_bits
@pytest.mark.parametrize("folder", ["records/policy", "schemas", "records/papers/p1"])
def test_an_unreadable_folder_is_a_finding_not_a_silent_skip(
    with_policy: Archive, folder: str
) -> None:
    for _ in unreadable(with_policy.root / folder):
        result = cli(["validate"], with_policy.root, without_root_reads=True)

    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    assert f"{folder}:1:1: {UNREADABLE_FOLDER}" in result.stdout.splitlines()


@needs_mode_bits
def test_an_unreadable_artifacts_folder_is_located_on_each_pinned_artifact(
    with_policy: Archive,
) -> None:
    synthesis = with_policy.read("records/papers/p1/synthesis.yaml")
    line, column = value_at(synthesis, "path: artifacts/report.md", 2)

    for _ in unreadable(with_policy.root / "records/papers/p1/artifacts"):
        result = cli(["validate"], with_policy.root, without_root_reads=True)

    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert f"records/papers/p1/artifacts:1:1: {UNREADABLE_FOLDER}" in lines
    assert (
        f"records/papers/p1/synthesis.yaml:{line}:{column}: error[SL503]: artifact "
        "'artifacts/report.md' cannot be reached (Permission denied): make its folder "
        "readable (chmod u+rx)"
    ) in lines


@needs_mode_bits
def test_an_unreadable_artifact_is_located_not_a_crash(with_policy: Archive) -> None:
    synthesis = with_policy.read("records/papers/p1/synthesis.yaml")
    line, column = value_at(synthesis, "path: artifacts/report.md", 2)

    for _ in unreadable(with_policy.root / "records/papers/p1/artifacts/report.md"):
        result = cli(["validate"], with_policy.root, without_root_reads=True)

    assert result.returncode == 1, result.stderr
    assert (
        f"records/papers/p1/synthesis.yaml:{line}:{column}: error[SL504]: artifact "
        "'artifacts/report.md' cannot be read (Permission denied): make it readable "
        "(chmod u+r), so that its sha256 can be checked"
    ) in result.stdout.splitlines()


# --- special files --------------------------------------------------------------------


def test_a_folder_named_synthesis_yaml_is_a_finding(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.add_synthesis()
    (archive.root / "records/papers/p2/synthesis.yaml").mkdir(parents=True)

    for args in (["validate"], ["validate", "records/papers/p2"]):
        result = cli(args, archive.root)

        assert result.returncode == 1, result.stdout
        assert result.stdout.splitlines()[0] == (
            "records/papers/p2/synthesis.yaml:1:1: error[SL017]: cannot read the file "
            "(it is a directory): make it a readable regular file, or remove it"
        )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_a_record_or_pinned_artifact_is_a_finding_not_a_hang(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.add_synthesis()
    os.mkfifo(archive.root / "records/policy-fifo.yaml")
    (archive.root / "records/policy").mkdir()
    os.mkfifo(archive.root / "records/policy/2026-06-10-gate-2.yaml")
    report = archive.root / "records/papers/p1/artifacts/report.md"
    report.unlink()
    os.mkfifo(report)
    synthesis = archive.read("records/papers/p1/synthesis.yaml")
    line, column = value_at(synthesis, "path: artifacts/report.md", 2)

    result = cli(["validate"], archive.root, timeout=30)

    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        "records/policy/2026-06-10-gate-2.yaml:1:1: error[SL017]: cannot read the file "
        "(it is not a regular file): make it a readable regular file, or remove it"
    ) in lines
    assert (
        f"records/papers/p1/synthesis.yaml:{line}:{column}: error[SL503]: artifact "
        "'artifacts/report.md' is not a regular file"
    ) in lines


# --- contracts nested past the limit --------------------------------------------------


def deep_contract(levels: int, name: str = "deep-v1") -> str:
    """A valid JSON Schema ``levels`` objects deep (written out: json.dumps would recurse)."""
    head = (
        '{"$schema": "https://json-schema.org/draft/2020-12/schema", '
        f'"$id": "https://schemas.synthledger.org/{name}.json", "properties": {{"a": '
    )
    inner = '{"properties": {"a": ' * (levels - 1)
    return head + inner + '{"type": "string"}' + "}}" * levels


@pytest.mark.parametrize("levels", [150, 100_000])
def test_sl104_a_contract_nested_past_the_limit(tmp_path: Path, levels: int) -> None:
    archive = committed(tmp_path / "archive")
    archive.write("schemas/deep-v1.json", deep_contract(levels))
    commit_all(archive.root, "a deep contract")

    for command in ("validate", "check"):
        result = cli([command], archive.root)

        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert (
            "schemas/deep-v1.json:1:1: error[SL104]: nested deeper than the limit of 64 "
            "levels: flatten it with $defs and $ref"
        ) in result.stdout.splitlines()


def test_a_record_naming_a_contract_past_the_limit_gets_sl101(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.write("schemas/policy-v9.json", deep_contract(150, "policy-v9"))
    archive.add_policy(text="contract: policy-v9\n")

    result = cli(["validate"], archive.root)

    assert result.returncode == 1
    assert (
        "records/policy/2026-06-10-gate-2.yaml:1:11: error[SL101]: contract policy-v9 cannot "
        "check this record: policy-v9.json is not a valid contract (nested deeper than the "
        "limit of 64 levels: flatten it with $defs and $ref); fix the contract first"
    ) in result.stdout.splitlines()


def test_a_contract_at_the_limit_still_checks_records(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.write("schemas/deep-v1.json", deep_contract(31))  # 63 levels of JSON

    result = cli(["validate", "schemas/deep-v1.json"], archive.root)

    assert result.returncode == 0, result.stdout
