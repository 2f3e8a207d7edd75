"""synthledger audit and check on real repositories, through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from support.gitrepo import GitRepo, bundled_archive, synthledger_cli

SEED_ID = "ff1b47c123e856ad"
SEED = f"records/papers/{SEED_ID}/synthesis.yaml"


pytestmark = pytest.mark.usefixtures("isolated_git")


@pytest.fixture
def archive(tmp_path: Path) -> GitRepo:
    return bundled_archive(tmp_path / "archive")


def test_audit_of_a_clean_history_lists_each_paper_timeline(archive: GitRepo) -> None:
    result = synthledger_cli("audit", "--format", "json", cwd=archive.path)

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["findings"] == []
    timeline = report["papers"]["ff1b47c123e856ad"]["timeline"]
    assert [(e["record"], e["commit"], e["signature"]) for e in timeline] == [
        (SEED, archive.head(), "N")
    ]
    assert timeline[0]["signature_meaning"] == "unsigned"


def test_audit_under_an_anchor_says_plainly_that_history_was_rewritten(
    archive: GitRepo,
) -> None:
    anchor = archive.commit("an auditor writes this commit down", {"notes.txt": "x\n"})
    archive.git("reset", "-q", "--hard", "HEAD~1")
    archive.commit("a different history", {"notes.txt": "y\n"})

    result = synthledger_cli("audit", "--anchor", anchor, cwd=archive.path)

    assert result.returncode == 1
    assert f"anchor {anchor} is NOT an ancestor of HEAD" in result.stdout
    assert (
        f".:1:1: error[SL706] in commit {anchor[:12]}: history was rewritten: the anchor "
        f"{anchor[:12]} is no longer an ancestor of HEAD"
    ) in result.stdout


def test_audit_under_an_anchor_checks_only_what_came_since(archive: GitRepo) -> None:
    edited = (archive.path / SEED).read_text(encoding="utf-8") + "# an edit\n"
    archive.commit("an edit before the anchor", {SEED: edited})
    anchor = archive.commit("anchor", {"notes.txt": "x\n"})

    result = synthledger_cli("audit", "--anchor", anchor, "--format", "json", cwd=archive.path)

    report = json.loads(result.stdout)
    assert report["anchor_is_ancestor"] is True
    assert [f["rule"] for f in report["findings"]] == []


def test_audit_shows_which_correction_amended_which_field(archive: GitRepo) -> None:
    from synthledger.ledger.git import git_blob_hash

    blob = git_blob_hash((archive.path / SEED).read_bytes())
    correction = "records/papers/ff1b47c123e856ad/corrections/c1.yaml"
    archive.commit(
        "correct the title",
        {
            correction: f"""contract: correction-record-v1
id: c1
target: {{paper: ff1b47c123e856ad, record: synthesis.yaml, blob: {blob}}}
kind: correction
date: "2026-11-02"
issued_by: {{name: Ada Archivist, role: archive-maintainer}}
reasons: [error-in-text]
narrative: The title names the wrong model size.
patch:
  - {{op: replace, path: /title, value: A corrected title}}
"""
        },
    )

    result = synthledger_cli("audit", "ff1b47c123e856ad", cwd=archive.path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "field /title from correction c1" in result.stdout
    assert "5291ede05b044497" not in result.stdout


def test_a_timeline_names_what_changed_a_record_later_and_leaves_out_artifacts(
    archive: GitRepo,
) -> None:
    """Publication order, a rename past the hooks on the record it moved and as a record
    of its own, an edit, and no artifact; ``audit ID`` gives the same paper's part."""
    folder = f"records/papers/{SEED_ID}"
    first = archive.commit("a note", {f"{folder}/corrections/k1.yaml": "a: 1\n"})
    archive.commit("an artifact", {f"{folder}/artifacts/extra.txt": "x\n"})
    archive.git("mv", f"{folder}/corrections/k1.yaml", f"{folder}/corrections/k2.yaml")
    moved = archive.commit("rename past the hooks")
    edited = archive.commit("edit past the hooks", {SEED: "edited: true\n"})

    whole = json.loads(synthledger_cli("audit", "--format", "json", cwd=archive.path).stdout)
    timeline = whole["papers"][SEED_ID]["timeline"]
    assert [(e["record"], e["commit"], e["changed_later"]) for e in timeline] == [
        (SEED, timeline[0]["commit"], [{"commit": edited, "kind": "modified"}]),
        (f"{folder}/corrections/k1.yaml", first, [{"commit": moved, "kind": "renamed"}]),
        (f"{folder}/corrections/k2.yaml", moved, []),
    ]
    one = json.loads(synthledger_cli("audit", SEED_ID, "--format", "json", cwd=archive.path).stdout)
    assert list(one["papers"]) == [SEED_ID]
    assert one["papers"][SEED_ID] == whole["papers"][SEED_ID]
    assert whole["summary"]["commits_checked"] == len(archive.git("rev-list", "HEAD").split())


def test_check_refuses_what_a_no_verify_commit_slipped_past_the_hooks(
    archive: GitRepo,
) -> None:
    base = archive.head()
    edit = archive.commit("sneak an edit past pre-commit", {SEED: "edited: true\n"})

    result = synthledger_cli("check", "--base", base, "--format", "json", cwd=archive.path)

    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert {(f["rule"], f["path"], f.get("commit")) for f in findings} >= {("SL701", SEED, edit)}


def test_check_passes_the_bundled_archive_and_writes_manifests(
    archive: GitRepo, tmp_path: Path
) -> None:
    out = tmp_path / "manifests"

    result = synthledger_cli("check", "--out", str(out), cwd=archive.path)

    assert result.returncode == 0, result.stdout
    assert "0 errors, 8 warnings" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "482203de28464b46.json",
        "5291ede05b044497.json",
        "ff1b47c123e856ad.json",
        "index.json",
    ]


def test_an_anchor_left_off_the_first_parent_line_fails_the_audit(archive: GitRepo) -> None:
    anchor = archive.head()
    archive.git("checkout", "-q", "--orphan", "evil")
    edited = (archive.path / SEED).read_text(encoding="utf-8") + "# improved\n"
    archive.commit("the same archive, one record better", {SEED: edited})
    archive.git("merge", "-q", "--allow-unrelated-histories", "-s", "ours", "-m", "keep", anchor)
    tip = archive.head()
    archive.git("checkout", "-q", "main")
    archive.git("merge", "-q", "--ff-only", "evil")

    text = synthledger_cli("audit", "--anchor", anchor, cwd=archive.path)
    report = json.loads(
        synthledger_cli("audit", "--anchor", anchor, "--format", "json", cwd=archive.path).stdout
    )

    assert text.returncode == 1
    assert text.stdout.splitlines()[:6] == [
        f"audit of HEAD {tip}",
        f"anchor {anchor} is an ancestor of HEAD but NOT on its first-parent line",
        "commits checked: 2 (first-parent line)",
        f"files checked: {report['summary']['files_checked']} under records/, schemas/",
        "replacements ignored: none",
        "findings: 1 errors, 0 warnings",
    ]
    assert report["summary"] == {
        "head": tip,
        "anchor": anchor,
        "anchor_is_ancestor": True,
        "anchor_on_first_parent_line": False,
        "commits_checked": 2,
        "files_checked": report["summary"]["files_checked"],
        "replacements_ignored": [],
        "errors": 1,
        "warnings": 0,
    }
    assert report["summary"]["files_checked"] > 10
    assert [(f["rule"], f["commit"]) for f in report["findings"]] == [("SL709", tip)]


def test_the_summary_of_a_clean_audit_under_an_anchor(archive: GitRepo) -> None:
    anchor = archive.head()
    archive.commit("notes", {"notes.txt": "x\n"})

    result = synthledger_cli("audit", "--anchor", anchor, cwd=archive.path)

    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[1:3] == [
        f"anchor {anchor} is an ancestor of HEAD, on its first-parent line",
        "commits checked: 1 (first-parent line)",
    ]


def test_replaced_objects_are_ignored_and_reported(archive: GitRepo) -> None:
    before = synthledger_cli("manifest", SEED_ID, "--out", "-", cwd=archive.path)
    page = synthledger_cli("show", SEED_ID, cwd=archive.path)
    original = archive.git("rev-parse", f"HEAD:{SEED}")
    fake = (archive.path / SEED).read_text(encoding="utf-8").replace("title:", "title: FAKED", 1)
    edited = archive.git("hash-object", "-w", "--stdin", input_text=fake)
    archive.git("replace", original, edited)
    assert "FAKED" in archive.git("show", f"HEAD:{SEED}")  # plain git is fooled

    after = synthledger_cli("manifest", SEED_ID, "--out", "-", cwd=archive.path)
    page_after = synthledger_cli("show", SEED_ID, cwd=archive.path)
    audited = synthledger_cli("audit", "--format", "json", cwd=archive.path)

    assert (after.returncode, after.stdout) == (0, before.stdout)
    assert page_after.stdout == page.stdout
    report = json.loads(audited.stdout)
    assert report["summary"]["replacements_ignored"] == [f"refs/replace/{original}"]
    assert [f for f in report["findings"] if f["rule"] == "SL714"] == [
        {
            "path": ".",
            "line": 1,
            "column": 1,
            "rule": "SL714",
            "severity": "warning",
            "message": f"refs/replace/{original} is present in this clone: it could make git "
            "show objects or parents that were never committed; synthledger ignores it, but "
            "plain git does not: compare with git --no-replace-objects, or remove it",
        }
    ]


def test_a_grafts_file_cannot_cut_an_edit_out_of_history(archive: GitRepo) -> None:
    edited = (archive.path / SEED).read_text(encoding="utf-8") + "# an edit\n"
    edit = archive.commit("an edit", {SEED: edited})
    tip = archive.commit("after the edit", {"notes.txt": "x\n"})
    grafts = archive.path / ".git" / "info" / "grafts"
    grafts.parent.mkdir(exist_ok=True)
    grafts.write_text(f"{tip}\n")  # tip now looks like a root holding everything
    assert archive.git("rev-list", "--count", "HEAD") == "1"  # plain git is fooled

    additive = synthledger_cli("additive", "--all", "--format", "json", cwd=archive.path)
    audited = json.loads(synthledger_cli("audit", "--format", "json", cwd=archive.path).stdout)

    assert additive.returncode == 1
    assert [(f["rule"], f["commit"]) for f in json.loads(additive.stdout)] == [("SL701", edit)]
    assert audited["summary"]["replacements_ignored"] == [str(grafts)]
    assert {f["rule"] for f in audited["findings"]} == {"SL701", "SL714"}
