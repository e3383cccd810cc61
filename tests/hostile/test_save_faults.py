"""Hostile family "save faults": ``convert`` and ``export`` aimed at places a file cannot
or must not go, and standard output that cannot be written.

Every case ends in success or one clear line (exit 2), never an internal error, and no
file the user had is changed, except the one the user asked to replace, which is named
on stderr. Folders and files of another user are simulated honestly: the command runs
as a child process whose bounding set lacks CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and
CAP_FOWNER, so root meets the kernel's permission checks like anyone else (as a plain
user the suite needs no simulation and the cases that need root's chown are skipped).
A full disk is a 64 KiB tmpfs mounted for the case (skipped without mount rights).
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from planner.storage import save_plan
from tests.hostile.harness import (
    REPO,
    Outcome,
    assert_behaved,
    assert_unchanged,
    fingerprints,
    one_service_plan,
    run_cli,
    run_cli_process,
)

NOBODY = 65534
OTHER = 65533  # a second user who is not the folder's owner either
_DROPPED_CAPS = (1, 2, 3)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
_PR_CAPBSET_DROP = 24


# -- where the output goes -------------------------------------------------------------


@dataclass
class Place:
    """The folder of one case: the plan read, and what the case put there."""

    root: Path
    source: Path
    needs: set[str]  # "unprivileged": run without root's overrides; "tmpfs": a full disk


Setup = Callable[[Place, str], Path]  # (place, output suffix) -> the output path


def _same(place: Place, suffix: str) -> Path:
    return place.source


def _same_through_dotdot(place: Place, suffix: str) -> Path:
    (place.root / "sub").mkdir()
    return place.root / "sub" / ".." / place.source.name


def _symlink_to_source(place: Place, suffix: str) -> Path:
    link = place.root / f"link{suffix}"
    link.symlink_to(place.source.name)
    return link


def _hard_link_to_source(place: Place, suffix: str) -> Path:
    link = place.root / f"hard{suffix}"
    os.link(place.source, link)
    return link


def _folder(place: Place, suffix: str) -> Path:
    folder = place.root / f"folder{suffix}"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    return folder


def _fifo(place: Place, suffix: str) -> Path:
    fifo = place.root / f"fifo{suffix}"
    os.mkfifo(fifo)
    return fifo


def _link_to(device: str) -> Setup:
    def setup(place: Place, suffix: str) -> Path:
        link = place.root / f"device{suffix}"
        link.symlink_to(device)
        return link

    return setup


def _dangling_link(place: Place, suffix: str) -> Path:
    link = place.root / f"dangling{suffix}"
    link.symlink_to("nowhere")
    return link


def _missing_folder(place: Place, suffix: str) -> Path:
    return place.root / "no such folder" / f"out{suffix}"


def _through_a_file(place: Place, suffix: str) -> Path:
    return place.source / f"out{suffix}"


def _long_name(length: int) -> Setup:
    def setup(place: Place, suffix: str) -> Path:
        return place.root / ("n" * length + suffix)

    return setup


def _read_only_folder(place: Place, suffix: str) -> Path:
    folder = place.root / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    place.needs.add("unprivileged")
    return folder / f"out{suffix}"


def _other_users_folder(place: Place, suffix: str) -> Path:
    folder = place.root / "theirs"
    folder.mkdir()
    _chown(folder, NOBODY)
    folder.chmod(0o755)
    place.needs.add("unprivileged")
    return folder / f"out{suffix}"


def _other_users_file(place: Place, suffix: str) -> Path:
    # A shared sticky folder like /tmp, owned by one user, holding another user's file.
    folder = place.root / "shared"
    folder.mkdir()
    folder.chmod(0o1777)
    _chown(folder, NOBODY)
    target = folder / f"report{suffix}"
    target.write_text("their file", encoding="utf-8")
    _chown(target, OTHER)
    place.needs.add("unprivileged")
    return target


def _full_disk(existing: bool) -> Setup:
    def setup(place: Place, suffix: str) -> Path:
        disk = place.root / "tiny"
        target = disk / f"out{suffix}"
        place.needs.add("tmpfs")
        _mount_tiny(disk)
        if existing:
            save_plan(one_service_plan("the plan already on the full disk"), disk / "out.json")
            os.replace(disk / "out.json", target)
        _fill(disk)
        return target

    return setup


def _existing_other_plan(place: Place, suffix: str) -> Path:
    target = place.root / f"other{suffix}"
    if suffix == ".pdf":
        target.write_bytes(b"%PDF-1.4 an older runbook\n")
    else:
        save_plan(one_service_plan("another plan"), target)
    return target


def _new_file(place: Place, suffix: str) -> Path:
    return place.root / f"new{suffix}"


# name -> (setup, expected): "refused" exit 2 and nothing changes; "replaced" exit 0 and
# stderr names the file replaced; "written" exit 0 and the file is new.
TARGETS: dict[str, tuple[Setup, str]] = {
    "the input itself": (_same, "refused"),
    "the input through sub/..": (_same_through_dotdot, "refused"),
    "a symlink to the input": (_symlink_to_source, "refused"),
    "a hard link to the input": (_hard_link_to_source, "refused"),
    "a folder": (_folder, "refused"),
    "a FIFO": (_fifo, "refused"),
    "a symlink to /dev/full": (_link_to("/dev/full"), "refused"),
    "a symlink to /dev/null": (_link_to("/dev/null"), "refused"),
    "a dangling symlink": (_dangling_link, "refused"),
    "a missing folder": (_missing_folder, "refused"),
    "a plain file used as a folder": (_through_a_file, "refused"),
    "a 100,000-character name": (_long_name(100_000), "refused"),
    "a 300-character name": (_long_name(300), "refused"),
    "a read-only folder": (_read_only_folder, "refused"),
    "a folder of another user": (_other_users_folder, "refused"),
    "another user's file in a sticky folder": (_other_users_file, "refused"),
    "a full disk": (_full_disk(existing=False), "refused"),
    "an existing plan on a full disk": (_full_disk(existing=True), "refused"),
    "a different existing file": (_existing_other_plan, "replaced"),
    "a new file": (_new_file, "written"),
}

COMMANDS = {"convert to .json": ".json", "convert to .drplan": ".drplan", "export": ".pdf"}


@dataclass(frozen=True)
class Case:
    command: str
    target: str
    stdout_to: str | None = None  # for the standard-output cases: a device

    @property
    def id(self) -> str:
        if self.stdout_to:
            return f"{self.command} > {self.stdout_to}"
        return f"{self.command} onto {self.target}"


STDOUT_COMMANDS = ("show", "validate", "compute", "compute --format json", "export", "--version")

CASES: list[Case] = [Case(command, target) for command in COMMANDS for target in TARGETS] + [
    Case(command, "standard output", stdout_to="/dev/full") for command in STDOUT_COMMANDS
]


# -- the machinery: mounts, privileges -------------------------------------------------


_MOUNTS: list[Path] = []


def _mount_tiny(folder: Path) -> None:
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k,mode=0777", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"a full disk needs a tiny tmpfs, and mount refused: {done.stderr.strip()}")
    _MOUNTS.append(folder)


def _fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass  # full: that is the point
    finally:
        os.close(fd)


def _chown(path: Path, uid: int) -> None:
    if os.geteuid() != 0:
        pytest.skip("another user's folder or file needs root to create it (chown)")
    os.chown(path, uid, uid)


def _drop_overrides() -> None:
    """In the child, before exec: lose root's permission overrides for good."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in _DROPPED_CAPS:
        if libc.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _unprivileged_run(args: list[str]) -> Outcome:
    if os.geteuid() != 0:
        return run_cli_process(args)  # a plain user meets the permission checks anyway
    env = {k: v for k, v in os.environ.items() if k != "DRPLANNER_DEBUG"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "planner", *args],
            capture_output=True,
            env=env,
            cwd=REPO,
            timeout=120,
            check=False,
            preexec_fn=_drop_overrides,
        )
    except subprocess.SubprocessError as error:
        pytest.skip(f"cannot drop root's permission overrides here: {error}")
    decode = lambda data: data.decode("utf-8", errors="replace")  # noqa: E731
    return Outcome(done.returncode, decode(done.stdout), decode(done.stderr))


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Place]:
    yield Place(tmp_path, tmp_path / "plan", set())
    for mount in reversed(_MOUNTS):
        subprocess.run(["umount", "-l", str(mount)], check=False, capture_output=True)
    _MOUNTS.clear()
    for folder in tmp_path.rglob("*"):  # let pytest clean up what the case made read-only
        if folder.is_dir() and not folder.is_symlink() and not os.path.ismount(folder):
            folder.chmod(0o755)


def _tree(root: Path) -> dict[Path, str | None]:
    """Every entry under ``root`` (links not followed) with its content hash."""
    entries = [root / name for name in _walk(root)]
    return fingerprints(p for p in entries if not p.is_symlink() and not _special(p))


def _walk(root: Path) -> list[str]:
    names: list[str] = []
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        names += [os.path.normpath(os.path.join(rel, n)) for n in dirs + files]
    return sorted(names)


def _special(path: Path) -> bool:
    import stat

    try:
        mode = path.lstat().st_mode
    except OSError:
        return True
    return not stat.S_ISREG(mode)


def _argv(case: Case, source: Path, output: Path) -> list[str]:
    if case.command == "export":
        return ["export", str(source), "--scenario", "fire", "-o", str(output)]
    return ["convert", str(source), str(output)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_save_fault(case: Case, place: Place) -> None:
    if case.stdout_to:
        _check_stdout_case(case, place)
        return
    setup, expected = TARGETS[case.target]
    suffix = COMMANDS[case.command]
    # The plan read carries the suffix of the output, so "onto the input" is a plan named
    # plan.pdf (export) or plan.json (convert); the format is found from the content.
    place.source = place.root / f"plan{suffix}"
    if suffix == ".pdf":
        save_plan(one_service_plan(), place.root / "plan.drplan")
        os.replace(place.root / "plan.drplan", place.source)
    else:
        save_plan(one_service_plan(), place.source)
    output = setup(place, suffix)
    names_before, before = _walk(place.root), _tree(place.root)
    args = _argv(case, place.source, output)
    outcome = _unprivileged_run(args) if "unprivileged" in place.needs else run_cli(args)
    assert_behaved(outcome)
    if expected == "refused":
        assert outcome.code == 2, outcome
        assert len(outcome.err.splitlines()) == 1, outcome.err
        assert outcome.err.startswith("drplanner"), outcome.err
        assert_unchanged(before)
        assert _walk(place.root) == names_before, "a temporary or a new file was left"
        return
    assert outcome.code == 0, outcome
    changed = {p for p, digest in _tree(place.root).items() if before.get(p, "new") != digest}
    assert changed == {place.root / output.name}, changed
    assert_unchanged({place.source: before[place.source]})
    replaced = [line for line in outcome.err.splitlines() if "replaced the existing file" in line]
    assert len(replaced) == (1 if expected == "replaced" else 0), outcome.err
    if expected == "replaced":
        assert str(output) in replaced[0]


def _check_stdout_case(case: Case, place: Place) -> None:
    source = place.root / "plan.drplan"
    save_plan(one_service_plan(), source)
    command = case.command.split()
    args = {
        "show": ["show", str(source)],
        "validate": ["validate", str(source)],
        "compute": ["compute", str(source), "--scenario", "fire"],
        "export": ["export", str(source), "--scenario", "fire", "-o", str(place.root / "r.pdf")],
        "--version": ["--version"],
    }[command[0]] + command[1:]
    before = _tree(place.root)
    assert case.stdout_to is not None
    fd = os.open(case.stdout_to, os.O_WRONLY)
    try:
        outcome = run_cli_process(args, stdout=fd, env={"PYTHONUNBUFFERED": ""})
    finally:
        os.close(fd)
    assert_behaved(outcome)
    assert outcome.code == 2, outcome
    assert outcome.err == "drplanner: cannot write the output: No space left on device\n"
    assert_unchanged(before)
