"""Every line the command line prints goes through here: escaped, encodable, and a
closed or full output told apart from a program error."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path

from planner.model.text import printable, shortened

# What a shell reports for a writer killed by SIGPIPE (128 + 13): 'yes | head' gives the
# same, so 'set -o pipefail' scripts see a truncated drplanner like any other tool.
EXIT_CLOSED_PIPE = 141


class UsageError(Exception):
    """A wrong argument the parser could not catch; printed as one line, exit 2."""


class OutputFailed(Exception):
    """Standard output cannot be written (a full disk, /dev/full, an I/O error)."""

    def __init__(self, error: OSError) -> None:
        super().__init__(error.strerror or str(error))
        self.error = error


def shown(path: str | os.PathLike[str]) -> str:
    """A path as a message shows it: escaped, and cut in the middle when very long."""
    return shortened(printable(os.fspath(path)))


def say(line: str) -> None:
    """One line on standard output; control characters in it are escaped."""
    write_out(printable(line) + "\n")


def warn(line: str) -> None:
    """One line on standard error; control characters in it are escaped."""
    write_err(printable(line) + "\n")


def write_err(text: str) -> None:
    """Text already made safe onto standard error; if that fails there is nobody to tell."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except OSError:
        silence_failed_streams()


def write_out(text: str) -> None:
    """Text already made safe (built from escaped values) onto standard output."""
    try:
        sys.stdout.write(text)
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputFailed(error) from error


def flush_out() -> None:
    """Write what is buffered now, so a closed or full output is reported by us."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise OutputFailed(error) from error


def unicode_out() -> bool:
    """Whether standard output's encoding can write every character."""
    encoding = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "")
    return encoding.startswith(("utf", "ucs"))


def tolerate_encodings() -> None:
    """A terminal that cannot show a character gets ``\\uXXXX`` instead of a crash."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def silence_failed_streams() -> None:
    """Point a stream that failed at /dev/null, so the interpreter's final flush of
    what is still buffered does not complain ("Exception ignored ... BrokenPipeError")."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            try:
                fd = stream.fileno()
            except (OSError, ValueError, io.UnsupportedOperation):
                continue  # not a real file (a test's StringIO): nothing flushes at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)


def not_a_plain_file(path: Path) -> str | None:
    """What ``path`` is when writing it would not create or replace a plain file (a
    folder, a device, a FIFO, a socket, a link to nothing); None when it is fine."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a symbolic link to nothing" if path.is_symlink() else None
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
    )
    for test, kind in kinds:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"
