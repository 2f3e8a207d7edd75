"""`synthledger prove` with a stand-in `lean` on PATH, and how Lean's output is read.

The stand-in is a small Python program that behaves as `lean FILE` does for
the cases that matter: it refuses to run without -DwarningAsError=true,
answers each appended `#print axioms NAME` line with the axioms a test gives
it, and fails with a type error when told to."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from support.archive import PAPER, Archive, parse, run_cli, sha256_hex
from support.sandboxing import needs_sandbox
from synthledger.verifying.prove import (
    declared_axioms,
    printed_axioms,
    strip_comments,
    theorem_names,
    with_axiom_report,
)

pytestmark = needs_sandbox

FOLDER = f"records/papers/{PAPER}"
VERIFICATIONS = f"{FOLDER}/verifications"
PROOF = b"""\
namespace Demo

/-- Addition on naturals commutes. -/
theorem add_comm' (a b : Nat) : a + b = b + a := Nat.add_comm a b

end Demo
"""
STANDARD = "propext, Classical.choice, Quot.sound"
SANDBOX_PYTHON = "/usr/bin/python3"

STAND_IN = """\
#!{python}
# A stand-in for lean, written by tests/test_prove.py.
import re, sys
if sys.argv[1:] == ["--version"]:
    print("Lean (version 4.99.0, stand-in)")
    sys.exit(0)
if "-DwarningAsError=true" not in sys.argv:
    print("stand-in: called without -DwarningAsError=true", file=sys.stderr)
    sys.exit(3)
source = open(sys.argv[-1], encoding="utf-8").read()
if {fail!r}:
    print(sys.argv[-1] + ":4:50: error: type mismatch")
    sys.exit(1)
for name in re.findall(r"^#print axioms (\\S+)$", source, re.MULTILINE):
    print(sys.argv[-1] + ":9:0: info: '" + name + "' depends on axioms: [" + {axioms!r} + "]")
"""


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    built = Archive(tmp_path / "archive")
    built.add_policy()
    text = built.synthesis_text()
    sha = built.artifact(PAPER, "Demo.lean", PROOF)
    text += f"  - path: artifacts/Demo.lean\n    sha256: {sha}\n    role: proof-source\n"
    built.add_synthesis(text=text)
    return built


def stand_in(
    tmp_path: Path, *, axioms: str = STANDARD, fail: bool = False, text: str = STAND_IN
) -> dict[str, str]:
    """An environment whose PATH starts with a stand-in `lean`, in a folder laid out as
    a Lean toolchain (bin/lean, lib/lean). It runs in the sandbox, so its `#!` line
    names an interpreter the sandbox shows: Debian's python3 under /usr."""
    folder = tmp_path / "toolchain" / "bin"
    folder.mkdir(parents=True)
    (tmp_path / "toolchain" / "lib" / "lean").mkdir(parents=True)
    lean = folder / "lean"
    lean.write_text(text.format(python=SANDBOX_PYTHON, axioms=axioms, fail=fail))
    lean.chmod(lean.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return {"PATH": f"{folder}{os.pathsep}{os.environ['PATH']}"}


def prove(archive: Archive, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_cli(["prove", PAPER, "--time", "30"], cwd=archive.root, env=env)


def written(archive: Archive) -> list[dict[str, Any]]:
    folder = archive.root / VERIFICATIONS
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return [parse(file.read_text(encoding="utf-8")) for file in files]


def test_a_proof_resting_on_the_standard_axioms_is_verified(
    archive: Archive, tmp_path: Path
) -> None:
    proc = prove(archive, stand_in(tmp_path))

    assert proc.returncode == 0, proc.stdout + proc.stderr
    [record] = written(archive)
    assert proc.stdout.startswith(f"{PAPER}  verified  {VERIFICATIONS}/{record['id']}.yaml\n")
    assert (record["method"], record["outcome"]) == ("formal-proof", "verified")
    assert record["id"].startswith(record["evaluated"][:10] + "-proof-")
    assert record["artifacts"] == [
        {"path": "artifacts/Demo.lean", "sha256": sha256_hex(PROOF), "role": "proof-source"}
    ]
    assert record["environment"]["interpreter"] == "Lean (version 4.99.0, stand-in)"
    assert f"axioms of Demo.add_comm': {STANDARD}" in record["detail"]
    assert run_cli(["validate"], cwd=archive.root).returncode == 0


def test_a_proof_that_does_not_type_check_fails(archive: Archive, tmp_path: Path) -> None:
    proc = prove(archive, stand_in(tmp_path, fail=True))

    assert proc.returncode == 1
    [record] = written(archive)
    assert (record["outcome"], record["reason"]) == ("failed", "type-error")
    assert "the proof does not type-check" in record["detail"]
    assert "error: type mismatch" in record["detail"]


def test_a_proof_resting_on_sorry_fails_whatever_the_exit_status(
    archive: Archive, tmp_path: Path
) -> None:
    proc = prove(archive, stand_in(tmp_path, axioms="propext, sorryAx"))

    assert proc.returncode == 1
    [record] = written(archive)
    assert (record["outcome"], record["reason"]) == ("failed", "sorry-or-axiom")
    assert (
        "Demo.add_comm' rests on sorryAx, outside propext, Classical.choice, Quot.sound"
        in record["detail"]
    )
    assert run_cli(["validate"], cwd=archive.root).returncode == 0


def test_native_decide_fails_the_proof(archive: Archive, tmp_path: Path) -> None:
    prove(archive, stand_in(tmp_path, axioms="propext, Lean.ofReduceBool"))

    [record] = written(archive)
    assert record["reason"] == "sorry-or-axiom"
    assert "rests on Lean.ofReduceBool" in record["detail"]


def test_a_declared_axiom_fails_the_proof(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.add_policy()
    proof = b"axiom cheat : 1 = 2\n\ntheorem one_eq_two : 1 = 2 := cheat\n"
    text = archive.synthesis_text()
    sha = archive.artifact(PAPER, "Cheat.lean", proof)
    text += f"  - path: artifacts/Cheat.lean\n    sha256: {sha}\n    role: proof-source\n"
    archive.add_synthesis(text=text)

    # Even a Lean that printed only standard axioms would not let it pass.
    assert prove(archive, stand_in(tmp_path)).returncode == 1

    [record] = written(archive)
    assert record["reason"] == "sorry-or-axiom"
    assert "the proof declares axiom(s): cheat" in record["detail"]


def test_a_lake_project_is_checked_with_lake_env_lean_from_its_folder(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    archive.add_policy()
    text = archive.synthesis_text()
    for name, content in (("proj/lakefile.lean", b"import Lake\n"), ("proj/Demo.lean", PROOF)):
        sha = archive.artifact(PAPER, name, content)
        role = "proof-source" if name.endswith("Demo.lean") else "other"
        text += f"  - path: artifacts/{name}\n    sha256: {sha}\n    role: {role}\n"
    archive.add_synthesis(text=text)
    env = stand_in(tmp_path)
    lake = Path(env["PATH"].split(os.pathsep)[0]) / "lake"
    lake.write_text(
        f"#!{SANDBOX_PYTHON}\n"
        "import os, sys\n"
        "assert sys.argv[1:3] == ['env', 'lean'], sys.argv\n"
        "assert os.path.exists('lakefile.lean'), os.getcwd()\n"
        "os.execvp('lean', sys.argv[2:])\n"
    )
    lake.chmod(0o755)

    proc = prove(archive, env)

    assert proc.returncode == 0, proc.stdout + proc.stderr
    [record] = written(archive)
    assert record["environment"]["interpreter"] == "Lean (version 4.99.0, stand-in), via lake env"
    assert "command: lake env lean -DwarningAsError=true FILE" in record["detail"]
    assert [a["path"] for a in record["artifacts"]] == [
        "artifacts/proj/lakefile.lean",
        "artifacts/proj/Demo.lean",
    ]


PRYING = """\
#!{python}
# A stand-in for lean that tries to read the host, written by tests/test_prove.py.
import json, os, sys
if sys.argv[1:] == ["--version"]:
    print("Lean (version 4.99.0, prying stand-in)")
    sys.exit(0)
if "--print-prefix" in sys.argv:
    sys.exit(1)
for path in json.loads(os.environ.get("PRY", "[]")) + {axioms}:
    try:
        found = sorted(os.listdir(path)) if os.path.isdir(path) else open(path).read()
    except OSError as exc:
        found = exc.strerror
    print("pried", path, repr(found))
print("uid", os.getuid())
sys.exit(1)
"""


def test_lean_runs_in_the_sandbox_and_finds_nothing_of_the_host(
    archive: Archive, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text("[user]\n\ttoken = do-not-leak\n")
    targets = [
        "/etc/shadow",
        str(home / ".gitconfig"),
        str(archive.root),
        "/root",
        "/home",
        str(tmp_path / "toolchain"),
    ]
    env = stand_in(tmp_path, text=PRYING, axioms=repr(targets))
    env["HOME"] = str(home)

    proc = prove(archive, env)

    assert proc.returncode == 1
    [record] = written(archive)
    assert record["reason"] == "type-error"
    for path in targets:
        assert f"pried {path} 'No such file or directory'" in record["detail"], path
    assert "uid 65534" in record["detail"]
    assert "/opt/lean read-only: the Lean toolchain" in record["environment"]["sandbox"]["visible"]
    text = next((archive.root / VERIFICATIONS).iterdir()).read_text(encoding="utf-8")
    assert "do-not-leak" not in text
    assert str(tmp_path) not in json.dumps(record["environment"])  # what the tool wrote


def test_a_lean_outside_a_toolchain_folder_is_refused(archive: Archive, tmp_path: Path) -> None:
    env = stand_in(tmp_path)
    (tmp_path / "toolchain" / "lib" / "lean").rmdir()

    proc = prove(archive, env)

    assert proc.returncode == 2
    lean = tmp_path / "toolchain" / "bin" / "lean"
    assert proc.stderr == (
        f"synthledger: error: cannot tell which folder holds the Lean toolchain of {lean}: "
        "neither `lean --print-prefix` nor the folder above it holds bin/lean and lib/lean\n"
    )
    assert written(archive) == []


def test_without_lean_on_path_it_says_so_in_one_line_and_writes_nothing(
    archive: Archive, tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    proc = prove(archive, {"PATH": str(empty)})

    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        "synthledger: error: no Lean 4 toolchain on PATH (lean not found): install one "
        "with elan (https://github.com/leanprover/elan) to run synthledger prove\n"
    )
    assert written(archive) == []


def test_an_altered_proof_is_refused_before_lean_runs(archive: Archive, tmp_path: Path) -> None:
    archive.write(f"{FOLDER}/artifacts/Demo.lean", PROOF.replace(b"Nat.add_comm", b"sorry"))

    proc = prove(archive, stand_in(tmp_path))

    assert proc.returncode == 1
    assert "refusing to run anything, its artifacts do not match the record" in proc.stderr
    assert written(archive) == []


# --- reading Lean ---------------------------------------------------------------------


def test_theorem_names_follow_namespaces_sections_and_root() -> None:
    source = """\
import Mathlib.Tactic -- a comment mentioning theorem fake
/- a block comment
   theorem also_fake : True := trivial -/
namespace A.B
@[simp] theorem first : True := trivial
section
private lemma second : True := trivial
end
end A.B
namespace C
protected theorem third : True := trivial
theorem _root_.fourth : True := trivial
/-- doc: theorem in_doc -/
theorem fifth' (n : Nat) : n = n := rfl
end C
theorem sixth : True := trivial
"""
    assert theorem_names(source) == [
        "A.B.first",
        "A.B.second",
        "C.third",
        "fourth",
        "C.fifth'",
        "sixth",
    ]


def test_comments_are_blanked_but_strings_and_lines_kept() -> None:
    source = 'def s := "-- not a comment" -- a comment\n/- one /- nested -/ still -/x\n'

    stripped = strip_comments(source)

    assert stripped.splitlines() == [
        'def s := "-- not a comment" ',
        " " * len("/- one /- nested -/ still -/") + "x",
    ]
    assert declared_axioms("-- axiom hidden : False\naxiom real : False\n") == ["real"]


def test_printed_axioms_are_read_from_leans_messages() -> None:
    output = (
        "Demo.lean:9:0: info: 'Demo.add_comm'' depends on axioms: [propext,\n"
        " Classical.choice, Quot.sound]\n"
        "'plain' does not depend on any axioms\n"
        "'withSorry' depends on axioms: [sorryAx]\n"
    )
    assert printed_axioms(output) == {
        "Demo.add_comm'": ["propext", "Classical.choice", "Quot.sound"],
        "plain": [],
        "withSorry": ["sorryAx"],
    }


def test_the_checked_copy_asks_for_each_theorems_axioms() -> None:
    assert with_axiom_report("theorem t : True := trivial\n\n", ["t", "A.u"]) == (
        "theorem t : True := trivial\n\n"
        "-- Appended by synthledger prove: the axioms each theorem rests on.\n"
        "#print axioms t\n"
        "#print axioms A.u\n"
    )
