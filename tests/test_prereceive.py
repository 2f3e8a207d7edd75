from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support.gitrepo import GitRepo, python_env
from synthledger.ledger import prereceive
from synthledger.ledger.prereceive import RefUpdate, check_push, parse_updates

HOOK = Path(__file__).resolve().parent.parent / "hooks" / "pre-receive"
PAPER = "records/papers/p1/synthesis.yaml"
CORRECTION = "records/papers/p1/corrections/c1.yaml"
ZERO = "0" * 40


pytestmark = pytest.mark.usefixtures("isolated_git")


@pytest.fixture
def server(tmp_path: Path) -> GitRepo:
    """A bare repository with the real hooks/pre-receive installed."""
    bare = GitRepo.init(tmp_path / "server.git", bare=True)
    shutil.copy(HOOK, bare.path / "hooks" / "pre-receive")
    return bare


@pytest.fixture
def client(tmp_path: Path, server: GitRepo) -> GitRepo:
    repo = GitRepo.init(tmp_path / "client")
    repo.git("remote", "add", "origin", str(server.path))
    return repo


def push(client: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return client.run("push", "origin", *args, env=python_env(SYNTHLEDGER_PYTHON=sys.executable))


def remote_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    """What the hook printed: git prefixes it with 'remote: ' and pads it with spaces."""
    return [
        line.removeprefix("remote: ").rstrip()
        for line in result.stderr.splitlines()
        if line.startswith("remote: ")
    ]


def server_main(server: GitRepo) -> str:
    return server.git("rev-parse", "refs/heads/main")


def test_hook_is_executable_and_calls_the_library() -> None:
    assert HOOK.stat().st_mode & 0o111
    assert "-m synthledger.prereceive" in HOOK.read_text()


def test_additions_are_accepted(client: GitRepo, server: GitRepo) -> None:
    client.published()
    assert push(client, "main").returncode == 0

    added = client.commit("correct p1", {CORRECTION: "kind: erratum\n"})
    result = push(client, "main")

    assert result.returncode == 0, result.stderr
    assert server_main(server) == added


def test_an_edit_is_refused(client: GitRepo, server: GitRepo) -> None:
    published = client.published()
    push(client, "main")
    edit = client.commit("edit", {PAPER: "title: One\nscore: 9\n"})

    result = push(client, "main")

    assert result.returncode == 1
    assert remote_lines(result) == [
        f"{PAPER}:1:1: error[SL701] in commit {edit[:12]}: published file was modified "
        f"in commit {edit[:12]}: published records are never edited; revert it and add a "
        "correction under records/papers/p1/corrections/ instead",
        "1 error, 0 warnings",
    ]
    assert "pre-receive hook declined" in result.stderr
    assert server_main(server) == published


def test_a_force_push_that_is_not_a_fast_forward_is_refused(
    client: GitRepo, server: GitRepo
) -> None:
    client.published()
    pushed = client.commit("correct p1", {CORRECTION: "kind: erratum\n"})
    push(client, "main")
    client.git("reset", "-q", "--hard", "HEAD~1")
    rewritten = client.commit("another", {"records/papers/p1/corrections/c2.yaml": "x\n"})

    result = push(client, "--force", "main")

    assert result.returncode == 1
    assert remote_lines(result) == [
        f".:1:1: error[SL707] in commit {rewritten[:12]}: push to main is not a "
        f"fast-forward: {pushed[:12]} is not an ancestor of {rewritten[:12]}; published "
        "history is never rewritten: fetch, merge and push again without --force",
        "1 error, 0 warnings",
    ]
    assert server_main(server) == pushed


def test_deleting_main_is_refused(client: GitRepo, server: GitRepo) -> None:
    published = client.published()
    push(client, "main")

    result = push(client, ":main")

    assert result.returncode == 1
    assert (
        "push would delete the main branch main: published history is permanent; "
        "the main branch is never deleted"
    ) in result.stderr
    assert server_main(server) == published


def test_a_new_main_with_an_edit_in_its_history_is_refused(
    client: GitRepo, server: GitRepo
) -> None:
    client.published()
    edit = client.commit("edit", {PAPER: "title: Two\n"})

    result = push(client, "main")

    assert result.returncode == 1
    assert f"error[SL701] in commit {edit[:12]}" in result.stderr
    assert server.run("rev-parse", "--verify", "-q", "refs/heads/main").returncode == 1


def test_merging_main_into_a_branch_and_pushing_it_as_main_is_refused(
    client: GitRepo, server: GitRepo
) -> None:
    client.published()
    client.git("checkout", "-q", "-b", "feature")
    client.commit("feature correction", {CORRECTION: "kind: erratum\n"})
    client.git("checkout", "-q", "main")
    tip = client.commit("main correction", {"records/papers/p1/corrections/c2.yaml": "x\n"})
    push(client, "main")
    client.git("checkout", "-q", "feature")
    foxtrot = client.merge("main", "merge main into feature")

    result = push(client, "feature:main")

    assert result.returncode == 1
    assert remote_lines(result) == [
        f".:1:1: error[SL709] in commit {foxtrot[:12]}: the published tip of main "
        f"({tip[:12]}) is an ancestor of the pushed main ({foxtrot[:12]}) but not on its "
        "first-parent line: the history it published is now reached only through a merge's "
        "second parent, so the commits that published its files have been replaced (an "
        "unrelated or branch history merged and fast-forwarded onto main). Land work with a "
        f"merge whose first parent is {tip[:12]} (git switch main && git merge --no-ff "
        "BRANCH); a branch that merged main is checked as the merge that would land it "
        "(see CONTRIBUTING.md)",
        "1 error, 0 warnings",
    ]
    assert server_main(server) == tip


def test_other_branches_are_not_checked(client: GitRepo, server: GitRepo) -> None:
    client.published()
    push(client, "main")
    client.git("checkout", "-q", "-b", "draft")
    client.commit("edit", {PAPER: "title: Two\n"})

    assert push(client, "draft").returncode == 0


def test_config_is_read_from_the_pushed_commit(client: GitRepo, server: GitRepo) -> None:
    client.commit(
        "publish",
        {PAPER: "a\n", "pyproject.toml": '[tool.synthledger]\nmain-branch = "trunk"\n'},
    )
    assert push(client, "main:trunk").returncode == 0
    edit = client.commit("edit", {PAPER: "b\n"})

    assert push(client, "main").returncode == 0  # not the main branch of this archive
    refused = push(client, "main:trunk")
    assert refused.returncode == 1
    assert f"error[SL701] in commit {edit[:12]}" in refused.stderr


def test_check_push_in_process(client: GitRepo, server: GitRepo) -> None:
    published = client.published()
    push(client, "main")
    client.commit("correct", {CORRECTION: "kind: erratum\n"})
    edit = client.commit("edit", {PAPER: "title: Two\n"})
    assert push(client, "main:draft").returncode == 0  # only main is checked

    findings = check_push(server.path, [RefUpdate(published, edit, "refs/heads/main")])

    assert [(f.rule, f.path, f.commit) for f in findings] == [("SL701", PAPER, edit)]


def test_main_fails_closed_on_bad_input(
    server: GitRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(server.path)

    status = prereceive.main(stdin=io.StringIO("not a ref update\n"))

    assert status == 2
    assert capsys.readouterr().err == (
        "synthledger: error: pre-receive expects 'old new ref' lines, got 'not a ref update\\n'\n"
    )


def test_parse_updates_skips_blank_lines() -> None:
    assert parse_updates([f"{ZERO} {'1' * 40} refs/heads/main\n", "\n"]) == [
        RefUpdate(ZERO, "1" * 40, "refs/heads/main")
    ]


def test_a_new_main_made_from_an_edited_branch_is_refused(client: GitRepo, server: GitRepo) -> None:
    client.commit("publish", {PAPER: "a\n"})
    edit = client.commit("edit", {PAPER: "b\n"})
    assert push(client, "main:draft").returncode == 0  # drafts are not checked

    refused = push(client, "main:main")

    assert refused.returncode == 1
    assert f"error[SL701] in commit {edit[:12]}" in refused.stderr


def test_a_push_cannot_move_records_dir_and_edit_in_one_go(
    client: GitRepo, server: GitRepo
) -> None:
    client.commit("publish", {PAPER: "a\n"})
    assert push(client, "main").returncode == 0
    edit = client.commit(
        "unprotect and edit",
        {PAPER: "b\n", "pyproject.toml": '[tool.synthledger]\nrecords-dir = "elsewhere"\n'},
    )

    refused = push(client, "main")

    assert refused.returncode == 1
    assert f"error[SL701] in commit {edit[:12]}" in refused.stderr


def test_an_orphan_merged_with_ours_over_main_is_refused(client: GitRepo, server: GitRepo) -> None:
    published = client.published()
    push(client, "main")
    client.git("checkout", "-q", "--orphan", "evil")
    client.commit("the same archive, one record better", {PAPER: "title: One\nscore: 10\n"})
    client.git("merge", "-q", "--allow-unrelated-histories", "-s", "ours", "-m", "keep", published)
    hijacked = client.head()

    result = push(client, "evil:main")

    assert result.returncode == 1
    assert remote_lines(result)[0].startswith(
        f".:1:1: error[SL709] in commit {hijacked[:12]}: the published tip of main "
        f"({published[:12]}) is an ancestor of the pushed main ({hijacked[:12]}) but not on "
        "its first-parent line"
    )
    assert server_main(server) == published


def test_settings_cannot_be_loosened_one_push_before_the_edit(
    client: GitRepo, server: GitRepo
) -> None:
    client.commit("publish", {PAPER: "a\n", "pyproject.toml": "[tool.synthledger]\n"})
    published = client.head()
    assert push(client, "main").returncode == 0
    moved = client.commit(
        "move the records", {"pyproject.toml": '[tool.synthledger]\nrecords-dir = "elsewhere"\n'}
    )

    first = push(client, "main")

    assert first.returncode == 1
    assert remote_lines(first) == [
        f"pyproject.toml:1:1: error[SL710] in commit {moved[:12]}: [tool.synthledger] "
        f"records-dir moved from 'records' to 'elsewhere' in commit {moved[:12]}: a protected "
        "folder never moves; set records-dir back to 'records'",
        "1 error, 0 warnings",
    ]
    edit = client.commit("then edit", {PAPER: "b\n"})
    second = push(client, "main")
    assert second.returncode == 1
    assert f"error[SL701] in commit {edit[:12]}" in second.stderr
    assert server_main(server) == published


def test_enforce_from_cannot_be_moved_past_a_later_edit(client: GitRepo, server: GitRepo) -> None:
    client.commit("publish", {PAPER: "a\n"})
    adopted = client.commit(
        "adopt", {"pyproject.toml": "[tool.synthledger]\n", "notes.txt": "adopted\n"}
    )
    enforce = f'[tool.synthledger]\nenforce-from = "{adopted}"\n'
    client.commit("enforce", {"pyproject.toml": enforce})
    assert push(client, "main").returncode == 0  # setting it once, to a published commit
    tip = client.head()
    moved = client.commit(
        "enforce later", {"pyproject.toml": f'[tool.synthledger]\nenforce-from = "{tip}"\n'}
    )

    result = push(client, "main")

    assert result.returncode == 1
    assert remote_lines(result) == [
        f"pyproject.toml:1:1: error[SL710] in commit {moved[:12]}: [tool.synthledger] "
        f"enforce-from changed from '{adopted}' to '{tip}' in commit {moved[:12]}: "
        "enforce-from is set once and never changed; set it back",
        "1 error, 0 warnings",
    ]


def test_a_replace_ref_is_refused(client: GitRepo, server: GitRepo) -> None:
    client.published()
    push(client, "main")
    original = client.git("rev-parse", f"HEAD:{PAPER}")
    edited = client.git("hash-object", "-w", "--stdin", input_text="title: One\nscore: 10\n")
    client.git("replace", original, edited)

    result = push(client, f"refs/replace/{original}")

    assert result.returncode == 1
    assert remote_lines(result) == [
        f".:1:1: error[SL715] in commit {edited[:12]}: push to refs/replace/{original} "
        "refused: a replacement object makes git show content that was never committed, to "
        "this server and every mirror; the archive changes only by new commits on its main "
        "branch",
        "1 error, 0 warnings",
    ]
    assert server.run("rev-parse", "--verify", "-q", f"refs/replace/{original}").returncode == 1


def test_refs_it_cannot_judge_are_refused_and_tags_pass(client: GitRepo, server: GitRepo) -> None:
    published = client.published()
    push(client, "main")
    client.git("tag", "v1")
    client.git("notes", "add", "-m", "a note", "HEAD")

    assert push(client, "v1").returncode == 0
    notes = push(client, "refs/notes/commits")

    assert notes.returncode == 1
    assert remote_lines(notes)[0] == (
        f".:1:1: error[SL715] in commit {client.git('rev-parse', 'refs/notes/commits')[:12]}: "
        "push to refs/notes/commits refused: this archive accepts branches (refs/heads/*; the "
        "main branch is judged) and tags (refs/tags/*) only; push a branch instead"
    )
    assert server.git("rev-parse", "v1") == published
