from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from support.gitrepo import GitRepo, python_env, synthledger_cli
from synthledger.config import ArchiveConfig
from synthledger.errors import SynthledgerError
from synthledger.findings import Finding, Severity
from synthledger.ledger.additive import check_all, check_range, check_staged

PAPER = "records/papers/p1/synthesis.yaml"
SCHEMA = "schemas/synthesis-v1.json"
CORRECTION = "records/papers/p1/corrections/c1.yaml"
EDIT_FIX = (
    "published records are never edited; revert it and add a correction under "
    "records/papers/p1/corrections/ instead"
)


pytestmark = pytest.mark.usefixtures("isolated_git")


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo.init(tmp_path / "archive")


def config(repo: GitRepo, **settings: str) -> ArchiveConfig:
    return ArchiveConfig(root=repo.path, **settings)


def error(rule: str, message: str, commit: str | None, path: str = PAPER) -> Finding:
    return Finding(path, 1, 1, rule, Severity.ERROR, message, commit=commit)


# --- what is refused -----------------------------------------------------------------------


def test_editing_a_published_record(repo: GitRepo) -> None:
    base = repo.published()
    edit = repo.commit("edit", {PAPER: "title: One\nscore: 9\n"})

    assert check_range(config(repo), base) == [
        error("SL701", f"published file was modified in commit {edit[:12]}: {EDIT_FIX}", edit)
    ]


def test_whitespace_only_edit_is_an_edit(repo: GitRepo) -> None:
    base = repo.published()
    edit = repo.commit("tidy", {PAPER: "title: One\nscore: 7\n\n"})

    assert check_range(config(repo), base) == [
        error("SL701", f"published file was modified in commit {edit[:12]}: {EDIT_FIX}", edit)
    ]


def test_deleting_a_published_record(repo: GitRepo) -> None:
    base = repo.published()
    repo.git("rm", "-q", PAPER)
    delete = repo.commit("delete")

    assert check_range(config(repo), base) == [
        error(
            "SL702",
            f"published file was deleted in commit {delete[:12]}: published records are never "
            "deleted; restore it, and retract or withdraw the paper with a correction under "
            "records/papers/p1/corrections/ instead",
            delete,
        )
    ]


def test_renaming_a_paper_folder(repo: GitRepo) -> None:
    base = repo.published()
    repo.git("mv", "records/papers/p1", "records/papers/p2")
    rename = repo.commit("rename")

    assert check_range(config(repo), base) == [
        error(
            "SL703",
            "published file was renamed to records/papers/p2/synthesis.yaml in commit "
            f"{rename[:12]}: published paths are permanent; move it back to {PAPER}",
            rename,
        )
    ]


def test_chmod_plus_x(repo: GitRepo) -> None:
    base = repo.published()
    (repo.path / PAPER).chmod(0o755)
    chmod = repo.commit("chmod +x")

    assert check_range(config(repo), base) == [
        error(
            "SL704",
            f"published file changed mode from 100644 to 100755 in commit {chmod[:12]}: "
            "published files never change; restore mode 100644",
            chmod,
        )
    ]


def test_edit_with_chmod_reports_both(repo: GitRepo) -> None:
    base = repo.published()
    repo.write(PAPER, "title: Two\n").chmod(0o755)
    both = repo.commit("edit and chmod")

    assert [f.rule for f in check_range(config(repo), base)] == ["SL701", "SL704"]
    assert {f.commit for f in check_range(config(repo), base)} == {both}


def test_swapping_a_record_for_a_symlink(repo: GitRepo) -> None:
    base = repo.published()
    (repo.path / PAPER).unlink()
    (repo.path / PAPER).symlink_to("../../../README.md")
    swap = repo.commit("swap")

    assert check_range(config(repo), base) == [
        error(
            "SL705",
            f"published file was replaced by a symlink in commit {swap[:12]}: "
            "published files never change; restore the regular file",
            swap,
        )
    ]


def test_editing_a_schema(repo: GitRepo) -> None:
    base = repo.published()
    edit = repo.commit("loosen", {SCHEMA: '{"$id": "synthesis-v1", "type": "object"}\n'})

    assert check_range(config(repo), base) == [
        error(
            "SL701",
            f"published file was modified in commit {edit[:12]}: published contracts are never "
            "edited; revert it and add a new contract version as a new file instead",
            edit,
            path=SCHEMA,
        )
    ]


def test_editing_a_policy_record(repo: GitRepo) -> None:
    base = repo.commit("policy", {"records/policy/2026-01-01-tiers.yaml": "a: 1\n"})
    edit = repo.commit("edit policy", {"records/policy/2026-01-01-tiers.yaml": "a: 2\n"})

    assert check_range(config(repo), base) == [
        error(
            "SL701",
            f"published file was modified in commit {edit[:12]}: published records are never "
            "edited; revert it and add a new record under records/policy/ instead",
            edit,
            path="records/policy/2026-01-01-tiers.yaml",
        )
    ]


def test_edit_sneaked_in_through_a_merge_is_flagged_on_the_merge(repo: GitRepo) -> None:
    base = repo.published()
    repo.git("checkout", "-q", "-b", "side")
    repo.commit("harmless", {CORRECTION: "kind: erratum\n"})
    repo.commit("sneaky", {PAPER: "title: One\nscore: 10\n"})
    repo.git("checkout", "-q", "main")
    merge = repo.merge("side")

    assert check_range(config(repo), base) == [
        error("SL701", f"published file was modified in commit {merge[:12]}: {EDIT_FIX}", merge)
    ]


def test_commit_made_with_no_verify_is_still_refused(repo: GitRepo) -> None:
    base = repo.published()
    repo.write(PAPER, "title: One\nscore: 8\n")
    repo.git("commit", "-q", "--no-verify", "-am", "skip the hooks")
    sneaky = repo.head()

    findings = check_range(config(repo), "main~1")

    assert base == repo.git("rev-parse", "main~1")
    assert [(f.rule, f.commit) for f in findings] == [("SL701", sneaky)]


def test_check_all_covers_every_commit_since_the_root(repo: GitRepo) -> None:
    repo.published()
    first = repo.commit("edit", {PAPER: "title: Two\n"})
    repo.commit("fine", {CORRECTION: "kind: erratum\n"})
    second = repo.commit("edit again", {PAPER: "title: Three\n"})

    assert [(f.rule, f.commit) for f in check_all(config(repo))] == [
        ("SL701", first),
        ("SL701", second),
    ]


def test_history_rewritten_when_base_is_not_an_ancestor(repo: GitRepo) -> None:
    repo.published()
    old = repo.commit("correction", {CORRECTION: "kind: erratum\n"})
    repo.git("reset", "-q", "--hard", "HEAD~1")
    new = repo.commit("another correction", {"records/papers/p1/corrections/c2.yaml": "x\n"})

    findings = check_range(config(repo), old)

    assert findings == [
        Finding(
            ".",
            1,
            1,
            "SL706",
            Severity.ERROR,
            f"history was rewritten: {old} ({old[:12]}) is not an ancestor of HEAD "
            f"({new[:12]}); published history is never rewritten: if HEAD is only behind, "
            f"merge {old} into it, otherwise put back the commits that were dropped",
            commit=new,
        )
    ]


# --- what passes ---------------------------------------------------------------------------


def test_adding_a_correction_passes(repo: GitRepo) -> None:
    base = repo.published()
    repo.commit("correct p1", {CORRECTION: "kind: erratum\n"})

    assert check_range(config(repo), base) == []


@pytest.mark.parametrize("order", [("a", "b"), ("b", "a")])
def test_two_branches_adding_corrections_merge_in_either_order(
    repo: GitRepo, order: tuple[str, str]
) -> None:
    base = repo.published()
    for name in ("a", "b"):
        repo.git("checkout", "-q", "-b", name, "main")
        repo.commit(f"correction {name}", {f"records/papers/p1/corrections/{name}.yaml": name})
    repo.git("checkout", "-q", "main")
    for name in order:
        repo.merge(name)

    assert check_range(config(repo), base) == []
    assert check_all(config(repo)) == []


def test_changes_outside_the_protected_trees_pass(repo: GitRepo) -> None:
    base = repo.published()
    repo.commit("docs", {"README.md": "more\n"})
    repo.git("mv", "README.md", "records/README.md")
    repo.commit("move a file into records")

    assert check_range(config(repo), base) == []


def test_configured_records_dir_is_protected(repo: GitRepo) -> None:
    base = repo.commit("publish", {"data/papers/p1/synthesis.yaml": "a\n", PAPER: "b\n"})
    edit = repo.commit("edit", {"data/papers/p1/synthesis.yaml": "c\n", PAPER: "d\n"})

    findings = check_range(config(repo, records_dir="data"), base)

    assert [(f.rule, f.path, f.commit) for f in findings] == [
        ("SL701", "data/papers/p1/synthesis.yaml", edit)
    ]
    assert "a correction under data/papers/p1/corrections/ instead" in findings[0].message


# --- enforcement start ---------------------------------------------------------------------


def test_edits_up_to_enforce_from_are_warnings_after_it_errors(repo: GitRepo) -> None:
    repo.published()
    early = repo.commit("early edit", {PAPER: "title: Two\n"})
    adopted = repo.commit("adopt synthledger", {"NOTES": "from here on\n"})
    late = repo.commit("late edit", {PAPER: "title: Three\n"})

    findings = check_all(config(repo, enforce_from=adopted))

    assert findings == [
        Finding(
            PAPER,
            1,
            1,
            "SL708",
            Severity.WARNING,
            f"published file was modified in commit {early[:12]}, which predates enforcement "
            f"(enforce-from {adopted}): reported, not refused",
            commit=early,
        ),
        error("SL701", f"published file was modified in commit {late[:12]}: {EDIT_FIX}", late),
    ]


def test_the_enforce_from_commit_itself_is_not_enforced(repo: GitRepo) -> None:
    repo.published()
    adopting_edit = repo.commit("edit while adopting", {PAPER: "title: Two\n"})

    findings = check_all(config(repo, enforce_from=adopting_edit))

    assert [(f.rule, f.severity) for f in findings] == [("SL708", Severity.WARNING)]


def test_enforce_from_that_does_not_resolve(repo: GitRepo) -> None:
    repo.published()
    repo.commit("edit", {PAPER: "title: Two\n"})

    with pytest.raises(SynthledgerError) as raised:
        check_all(config(repo, enforce_from="deadbeef"))

    assert str(raised.value) == (
        "[tool.synthledger] enforce-from 'deadbeef' is not a commit of this repository: "
        "set it to the hash of the last commit made before enforcement, and fetch full history"
    )


# --- staged --------------------------------------------------------------------------------


def test_staged_edit_is_refused(repo: GitRepo) -> None:
    repo.published()
    repo.write(PAPER, "title: One\nscore: 8\n")
    repo.git("add", PAPER)

    assert check_staged(config(repo)) == [
        error("SL701", f"published file was modified in the staged change: {EDIT_FIX}", None)
    ]


def test_staged_new_file_passes(repo: GitRepo) -> None:
    repo.published()
    repo.write(CORRECTION, "kind: erratum\n")
    repo.git("add", CORRECTION)

    assert check_staged(config(repo)) == []


def test_staged_in_an_empty_repository_passes(repo: GitRepo) -> None:
    repo.write(PAPER, "title: One\n")
    repo.git("add", PAPER)

    assert check_staged(config(repo)) == []


def test_unstaged_edit_is_not_the_staged_change(repo: GitRepo) -> None:
    repo.published()
    repo.write(PAPER, "title: changed but not staged\n")

    assert check_staged(config(repo)) == []


# --- the command line, in real subprocesses ------------------------------------------------


def test_cli_exit_0_when_only_additions(repo: GitRepo) -> None:
    repo.published()
    repo.commit("correct", {CORRECTION: "kind: erratum\n"})

    result = synthledger_cli("additive", "--base", "HEAD~1", cwd=repo.path)

    assert (result.returncode, result.stdout, result.stderr) == (0, "0 errors, 0 warnings\n", "")


def test_cli_exit_1_and_json_with_commit(repo: GitRepo) -> None:
    repo.published()
    edit = repo.commit("edit", {PAPER: "title: Two\n"})

    result = synthledger_cli("additive", "--all", "--format", "json", cwd=repo.path)

    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {
            "path": PAPER,
            "line": 1,
            "column": 1,
            "rule": "SL701",
            "severity": "error",
            "message": f"published file was modified in commit {edit[:12]}: {EDIT_FIX}",
            "commit": edit,
        }
    ]


def test_cli_text_output_is_located(repo: GitRepo) -> None:
    repo.published()
    edit = repo.commit("edit", {PAPER: "title: Two\n"})

    result = synthledger_cli("additive", "--base", "HEAD~1", "--head", "HEAD", cwd=repo.path)

    assert result.returncode == 1
    assert result.stdout == (
        f"{PAPER}:1:1: error[SL701] in commit {edit[:12]}: published file was modified in "
        f"commit {edit[:12]}: {EDIT_FIX}\n1 error, 0 warnings\n"
    )


def test_cli_github_format(repo: GitRepo) -> None:
    repo.published()
    edit = repo.commit("edit", {PAPER: "title: Two\n"})

    result = synthledger_cli("additive", "--all", "--format", "github", cwd=repo.path)

    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file={PAPER},line=1,col=1,title=SL701::{PAPER} (commit {edit[:12]}): "
        f"published file was modified in commit {edit[:12]}: {EDIT_FIX}",
        "1 error, 0 warnings",
    ]


def test_cli_strict_fails_on_warnings(repo: GitRepo, tmp_path: Path) -> None:
    repo.published()
    early = repo.commit("edit", {PAPER: "title: Two\n"})
    repo.write("pyproject.toml", f'[tool.synthledger]\nenforce-from = "{early}"\n')
    repo.commit("adopt")

    assert synthledger_cli("additive", "--all", cwd=repo.path).returncode == 0
    assert synthledger_cli("additive", "--all", "--strict", cwd=repo.path).returncode == 1


def test_cli_exit_2_on_unknown_base(repo: GitRepo) -> None:
    repo.published()

    result = synthledger_cli("additive", "--base", "origin/nowhere", cwd=repo.path)

    assert result.returncode == 2
    assert result.stderr == (
        "synthledger: error: unknown revision 'origin/nowhere': check the name, "
        "or fetch it first (git fetch origin)\n"
    )


def test_cli_exit_2_in_a_shallow_clone(repo: GitRepo, tmp_path: Path) -> None:
    repo.published()
    repo.commit("correct", {CORRECTION: "kind: erratum\n"})
    clone = tmp_path / "ci"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))

    result = synthledger_cli("additive", "--base", "origin/main", cwd=clone)
    staged = synthledger_cli("additive", "--staged", cwd=clone)

    assert result.returncode == 2
    assert result.stderr == (
        "synthledger: error: history is shallow: fetch full history, e.g. actions/checkout "
        "with fetch-depth: 0 or git fetch --unshallow\n"
    )
    assert staged.returncode == 0  # the staged change needs HEAD only


def test_cli_exit_2_outside_a_git_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    (plain / "records").mkdir(parents=True)

    result = synthledger_cli("additive", "--all", cwd=plain)

    assert result.returncode == 2
    assert "is not a git repository" in result.stderr


def test_cli_needs_exactly_one_scope(repo: GitRepo) -> None:
    repo.published()

    neither = synthledger_cli("additive", cwd=repo.path)
    both = synthledger_cli("additive", "--staged", "--all", cwd=repo.path)
    head_alone = synthledger_cli("additive", "--staged", "--head", "HEAD", cwd=repo.path)

    assert neither.returncode == both.returncode == head_alone.returncode == 2
    assert "one of the arguments --staged --base --all is required" in neither.stderr
    assert "not allowed with argument" in both.stderr
    assert head_alone.stderr == "synthledger: error: --head needs --base REV\n"


def test_cli_help_teaches_ci_usage(repo: GitRepo) -> None:
    result = synthledger_cli("additive", "--help", cwd=repo.path)

    assert result.returncode == 0
    assert "synthledger additive --base origin/main" in result.stdout


# --- the real pre-commit framework ---------------------------------------------------------


def test_pre_commit_hook_refuses_an_edit(repo: GitRepo, tmp_path: Path) -> None:
    entry = f"{shlex.quote(sys.executable)} -m synthledger additive --staged"
    repo.write(
        ".pre-commit-config.yaml",
        "repos:\n"
        "  - repo: local\n"
        "    hooks:\n"
        "      - id: synthledger-additive\n"
        "        name: synthledger additive\n"
        f"        entry: {entry}\n"
        "        language: unsupported\n"
        "        pass_filenames: false\n"
        "        always_run: true\n",
    )
    repo.published()
    env = python_env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            args, cwd=repo.path, env=env, capture_output=True, text=True, check=False
        )

    assert run(sys.executable, "-m", "pre_commit", "install").returncode == 0

    repo.write(PAPER, "title: One\nscore: 9\n")
    repo.git("add", PAPER)
    refused = run("git", "commit", "-m", "edit a published record")
    assert refused.returncode == 1
    # git hands a hook's stdout to its own stderr.
    assert (
        f"{PAPER}:1:1: error[SL701]: published file was modified in the staged change: "
        f"{EDIT_FIX}\n1 error, 0 warnings\n" in refused.stderr
    )
    assert repo.git("log", "--format=%s") == "publish p1"

    repo.git("checkout", "-q", "HEAD", "--", PAPER)
    repo.write(CORRECTION, "kind: erratum\n")
    repo.git("add", CORRECTION)
    accepted = run("git", "commit", "-m", "add a correction")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


# --- main's first-parent line only grows (SL709) -------------------------------------------


def off_line(what: str, commit: str, tip_name: str, tip: str) -> str:
    return (
        f"{what} ({commit[:12]}) is an ancestor of {tip_name} ({tip[:12]}) but not on its "
        "first-parent line: the history it published is now reached only through a merge's "
        "second parent, so the commits that published its files have been replaced (an "
        "unrelated or branch history merged and fast-forwarded onto main). Land work with a "
        f"merge whose first parent is {commit[:12]} (git switch main && git merge --no-ff "
        "BRANCH); a branch that merged main is checked as the merge that would land it "
        "(see CONTRIBUTING.md)"
    )


def hijack(repo: GitRepo) -> tuple[str, str, str]:
    """An orphan holding an edited record, merged with -s ours over main's tip, and main
    fast-forwarded to it: (old tip, the orphan, the new tip)."""
    old = repo.head()
    repo.git("checkout", "-q", "--orphan", "evil")
    orphan = repo.commit("the same archive, one record better", {PAPER: "title: One\nscore: 10\n"})
    repo.git("merge", "-q", "--allow-unrelated-histories", "-s", "ours", "-m", "keep", old)
    tip = repo.head()
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "evil")
    return old, orphan, tip


def test_an_orphan_merged_with_ours_and_fast_forwarded_is_off_the_line(repo: GitRepo) -> None:
    repo.published()
    old, _orphan, tip = hijack(repo)

    result = synthledger_cli("additive", "--base", old, "--format", "json", cwd=repo.path)

    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {
            "path": ".",
            "line": 1,
            "column": 1,
            "rule": "SL709",
            "severity": "error",
            "message": off_line(f"the base {old}", old, "HEAD", tip),
            "commit": tip,
        }
    ]
    check = synthledger_cli("check", "--base", old, "--format", "json", cwd=repo.path)
    assert check.returncode == 1
    assert [f["rule"] for f in json.loads(check.stdout) if f["rule"].startswith("SL7")] == ["SL709"]


def test_the_whole_history_shows_the_orphan_as_a_stray_root(repo: GitRepo) -> None:
    root = repo.published()
    _, _orphan, tip = hijack(repo)

    result = synthledger_cli("additive", "--all", cwd=repo.path)

    assert result.returncode == 1
    assert result.stdout == (
        f".:1:1: error[SL709] in commit {tip[:12]}: root commit {root[:12]} is reached from "
        f"{tip[:12]} only through a merge's second parent: an unrelated history was merged "
        "(git merge --allow-unrelated-histories), which can hide a replaced main line; check "
        "against a commit you trust instead: synthledger audit --anchor COMMIT, or synthledger "
        "check --base COMMIT\n1 error, 0 warnings\n"
    )


def test_a_foxtrot_merge_fast_forwarded_onto_main_is_off_the_line(repo: GitRepo) -> None:
    repo.published()
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature correction", {CORRECTION: "kind: erratum\n"})
    repo.git("checkout", "-q", "main")
    old = repo.commit("main correction", {"records/papers/p1/corrections/c2.yaml": "x\n"})
    repo.git("checkout", "-q", "feature")
    foxtrot = repo.merge("main", "merge main into feature")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "feature")

    assert check_range(config(repo), old) == [
        error("SL709", off_line(f"the base {old}", old, "HEAD", foxtrot), foxtrot, path=".")
    ]


def test_a_branch_that_merged_main_passes_as_the_merge_that_lands_it(repo: GitRepo) -> None:
    repo.published()
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("feature correction", {CORRECTION: "kind: erratum\n"})
    repo.git("checkout", "-q", "main")
    old = repo.commit("main correction", {"records/papers/p1/corrections/c2.yaml": "x\n"})
    repo.git("checkout", "-q", "feature")
    repo.merge("main", "merge main into feature")
    # What CI checks out for the pull request, and what CONTRIBUTING.md says to build
    # locally: main with the branch merged into it.
    repo.git("checkout", "-q", "--detach", "main")
    repo.merge("feature", "the merge that would land feature")

    assert check_range(config(repo), old) == []
    assert check_all(config(repo)) == []


def test_a_fast_forward_of_commits_made_on_main_passes(repo: GitRepo) -> None:
    old = repo.published()
    repo.git("checkout", "-q", "-b", "linear")
    repo.commit("correct p1", {CORRECTION: "kind: erratum\n"})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--ff-only", "linear")

    assert check_range(config(repo), old) == []


# --- protected settings come from the trusted side (SL710) ---------------------------------


def test_moving_records_dir_in_the_range_protects_nothing(repo: GitRepo) -> None:
    old = repo.commit("publish", {PAPER: "a\n", "pyproject.toml": "[tool.synthledger]\n"})
    edit = repo.commit(
        "unprotect and edit",
        {PAPER: "b\n", "pyproject.toml": '[tool.synthledger]\nrecords-dir = "elsewhere"\n'},
    )

    result = synthledger_cli("additive", "--base", old, cwd=repo.path)

    assert result.returncode == 1
    assert result.stdout == (
        f"pyproject.toml:1:1: error[SL710] in commit {edit[:12]}: [tool.synthledger] "
        f"records-dir moved from 'records' to 'elsewhere' in commit {edit[:12]}: a protected "
        "folder never moves; set records-dir back to 'records'\n"
        f"{PAPER}:1:1: error[SL701] in commit {edit[:12]}: published file was modified in "
        f"commit {edit[:12]}: {EDIT_FIX}\n2 errors, 0 warnings\n"
    )
    check = synthledger_cli("check", "--base", old, "--format", "json", cwd=repo.path)
    assert check.returncode == 1
    assert {"SL701", "SL710"} <= {f["rule"] for f in json.loads(check.stdout)}


def test_moving_enforce_from_past_an_edit_is_refused(repo: GitRepo) -> None:
    repo.published()
    adopted = repo.commit("adopt", {"pyproject.toml": "[tool.synthledger]\n"})
    repo.commit("enforce", {"pyproject.toml": f'[tool.synthledger]\nenforce-from = "{adopted}"\n'})
    base = repo.head()
    edit = repo.commit("edit", {PAPER: "title: Two\n"})
    moved = repo.commit(
        "excuse the edit", {"pyproject.toml": f'[tool.synthledger]\nenforce-from = "{edit}"\n'}
    )

    result = synthledger_cli("additive", "--base", base, cwd=repo.path)

    assert result.returncode == 1
    assert result.stdout == (
        f"pyproject.toml:1:1: error[SL710] in commit {moved[:12]}: [tool.synthledger] "
        f"enforce-from changed from '{adopted}' to '{edit}' in commit {moved[:12]}: "
        "enforce-from is set once and never changed; set it back\n"
        f"{PAPER}:1:1: error[SL701] in commit {edit[:12]}: published file was modified in "
        f"commit {edit[:12]}: {EDIT_FIX}\n2 errors, 0 warnings\n"
    )


def test_enforce_from_is_set_only_to_a_commit_already_on_the_line(repo: GitRepo) -> None:
    base = repo.published()
    repo.git("checkout", "-q", "-b", "side")
    elsewhere = repo.commit("not on main", {"notes.txt": "x\n"})
    repo.git("checkout", "-q", "main")
    setting = repo.commit(
        "enforce", {"pyproject.toml": f'[tool.synthledger]\nenforce-from = "{elsewhere}"\n'}
    )

    assert check_range(config(repo), base) == [
        error(
            "SL710",
            f"[tool.synthledger] enforce-from set to '{elsewhere}', which is not on the "
            f"first-parent line before this commit in commit {setting[:12]}: enforcement "
            "starts at a commit already published; set it to the hash of the last commit "
            "made before enforcement",
            setting,
            path="pyproject.toml",
        )
    ]


def test_adopting_enforcement_at_a_published_commit_passes(repo: GitRepo) -> None:
    repo.published()
    adopted = repo.commit("adopt", {"notes.txt": "x\n"})
    repo.commit("enforce", {"pyproject.toml": f'[tool.synthledger]\nenforce-from = "{adopted}"\n'})

    assert check_all(config(repo, enforce_from=adopted)) == []


def test_a_staged_settings_change_is_judged_not_obeyed(repo: GitRepo) -> None:
    repo.commit("publish", {PAPER: "a\n", "pyproject.toml": "[tool.synthledger]\n"})
    repo.write("pyproject.toml", '[tool.synthledger]\nrecords-dir = "elsewhere"\n')
    repo.write(PAPER, "b\n")
    repo.git("add", "-A")

    result = synthledger_cli("additive", "--staged", cwd=repo.path)

    assert result.returncode == 1
    assert result.stdout == (
        "pyproject.toml:1:1: error[SL710]: [tool.synthledger] records-dir moved from "
        "'records' to 'elsewhere' in the staged change: a protected folder never moves; set "
        "records-dir back to 'records'\n"
        f"{PAPER}:1:1: error[SL701]: published file was modified in the staged change: "
        f"{EDIT_FIX}\n2 errors, 0 warnings\n"
    )


# --- paths git stores that the archive does not mean (SL711-SL713) -------------------------


def add_gitlink(repo: GitRepo, path: str) -> None:
    """Stage a gitlink (mode 160000) at ``path``, as ``git submodule add`` would."""
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{repo.head()},{path}")


def test_a_gitlink_under_records_is_refused(repo: GitRepo) -> None:
    base = repo.published()
    add_gitlink(repo, "records/papers/p2")
    staged = check_staged(config(repo))
    repo.git("commit", "-q", "--no-verify", "-m", "a submodule paper")
    link = repo.head()

    message = (
        "records/papers/p2 is a gitlink (a submodule, mode 160000) {where}: a submodule's "
        "content is not stored in this archive and can change under it; commit the files "
        "themselves"
    )
    assert staged == [
        error("SL711", message.format(where="in the staged change"), None, "records/papers/p2")
    ]
    expected = [
        error("SL711", message.format(where=f"in commit {link[:12]}"), link, "records/papers/p2")
    ]
    assert check_range(config(repo), base) == expected
    assert check_all(config(repo)) == expected


def test_records_committed_as_a_symlink_to_a_folder_outside_is_refused(
    repo: GitRepo, tmp_path: Path
) -> None:
    outside = tmp_path / "outside" / "papers" / "p1"
    outside.mkdir(parents=True)
    (outside / "synthesis.yaml").write_text("title: anything at all\n")
    repo.commit("readme", {"README.md": "archive\n"})
    base = repo.head()
    (repo.path / "records").symlink_to(tmp_path / "outside")
    link = repo.commit("records live elsewhere")

    result = synthledger_cli("additive", "--base", base, cwd=repo.path)

    assert result.returncode == 1
    assert result.stdout == (
        f"records:1:1: error[SL712] in commit {link[:12]}: records is a symlink in commit "
        f"{link[:12]}: protected folders hold regular files only, and a symlink's target is "
        "not what git stores; commit the file or folder itself\n1 error, 0 warnings\n"
    )


def test_a_new_symlink_inside_a_paper_is_refused_when_staged(repo: GitRepo) -> None:
    repo.published()
    (repo.path / "records/papers/p1/artifacts").mkdir(parents=True)
    (repo.path / "records/papers/p1/artifacts/report.md").symlink_to("/etc/passwd")
    repo.git("add", "-A")

    assert [(f.rule, f.path) for f in check_staged(config(repo))] == [
        ("SL712", "records/papers/p1/artifacts/report.md")
    ]


@pytest.mark.parametrize(
    ("twin", "published"),
    [
        ("records/papers/P1/corrections/c1.yaml", "records/papers/p1"),
        ("Records/papers/p1/synthesis.yaml", "records"),
        # "é" composed (NFC) and decomposed (NFD): one name on macOS.
        ("records/papers/caf\u0065\u0301/synthesis.yaml", "records/papers/caf\u00e9"),
    ],
)
def test_a_twin_of_a_published_path_is_refused(repo: GitRepo, twin: str, published: str) -> None:
    repo.published()
    repo.commit("a paper with an accent", {"records/papers/caf\u00e9/synthesis.yaml": "a\n"})
    base = repo.head()
    repo.write(twin, "b\n")
    repo.git("add", "-A")
    staged = check_staged(config(repo))
    repo.git("commit", "-q", "--no-verify", "-m", "a twin")
    added = repo.head()

    message = (
        f"{twin} is the same path as {published} on a case-insensitive or "
        "Unicode-normalising file system (macOS, Windows) {where}: one would overwrite the "
        "other in a checkout there; choose a name that differs by more than case or Unicode "
        "normalisation"
    )
    assert staged == [error("SL713", message.format(where="in the staged change"), None, twin)]
    expected = [error("SL713", message.format(where=f"in commit {added[:12]}"), added, twin)]
    assert check_range(config(repo), base) == expected
    assert check_all(config(repo)) == expected


def test_two_twins_added_in_one_commit_are_refused(repo: GitRepo) -> None:
    base = repo.published()
    repo.commit("two", {"records/papers/Ab/synthesis.yaml": "a\n", "records/papers/ab/x": "b\n"})

    assert [f.rule for f in check_range(config(repo), base)] == ["SL713"]


# --- .gitattributes cannot change what a checkout holds (SL716) ----------------------------

BYTE_EXACT = (
    "/records/** -text -filter -ident -working-tree-encoding\n"
    "/schemas/** -text -filter -ident -working-tree-encoding\n"
)


def crlf_message(where: str) -> str:
    return (
        f".gitattributes would convert 2 protected file(s) on checkout: {PAPER} (text: set), "
        f"{SCHEMA} (text: set) {where}: records and contracts are checked out byte for byte; "
        "keep the lines '/records/** -text -filter -ident -working-tree-encoding' and the "
        "same for /schemas/** last in the root .gitattributes"
    )


def test_a_root_gitattributes_with_eol_crlf_is_refused(repo: GitRepo) -> None:
    base = repo.published()
    added = repo.commit("line ends for Windows", {".gitattributes": "* text eol=crlf\n"})

    result = synthledger_cli("additive", "--base", base, cwd=repo.path)

    assert result.returncode == 1
    assert result.stdout == (
        f".gitattributes:1:1: error[SL716] in commit {added[:12]}: "
        f"{crlf_message(f'in commit {added[:12]}')}\n1 error, 0 warnings\n"
    )


def test_a_staged_gitattributes_that_overrides_the_archive_lines_is_refused(
    repo: GitRepo,
) -> None:
    repo.published()
    repo.commit("byte-exact", {".gitattributes": BYTE_EXACT})
    repo.write(".gitattributes", BYTE_EXACT + "* text eol=crlf\n")
    repo.git("add", ".gitattributes")

    assert check_staged(config(repo)) == [
        error("SL716", crlf_message("in the staged change"), None, path=".gitattributes")
    ]


def test_the_archive_gitattributes_and_lines_for_other_files_pass(repo: GitRepo) -> None:
    base = repo.published()
    repo.commit("byte-exact", {".gitattributes": BYTE_EXACT})
    repo.commit("docs too", {".gitattributes": "*.md text eol=lf\n" + BYTE_EXACT})

    assert check_range(config(repo), base) == []
