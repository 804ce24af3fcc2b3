"""Where a file may be written: the rule every command that writes a file shares.

A file is written where it is asked for and nowhere else. Its folder must exist (it is never
created: asking for ``/nonexistent/t.csv`` must not make ``/nonexistent``) and be writable, and
the path must not be a folder. Either failure is one line naming the path, checked before any
work (:func:`check_out_file`), and a write that fails anyway says so the same way
(:func:`write_failed`).
"""

from __future__ import annotations

import os
from pathlib import Path

from graph_service.errors import AbmGraphError


def check_out_file(out: Path, option: str = "--out") -> None:
    """Refuse, before any work, a file that cannot be written where it is asked for.

    The folder must exist (it is never created) and be writable; the file must not be a
    folder. ``option`` names where the path came from.

    >>> check_out_file(Path("/nonexistent/targets.csv"))
    Traceback (most recent call last):
    ...
    graph_service.errors.AbmGraphError: --out: folder /nonexistent does not exist (create it first)
    """
    folder = out.parent
    if out.is_dir():
        raise AbmGraphError(f"{option}: {out} is a folder; name a file in it")
    if not folder.exists():
        raise AbmGraphError(f"{option}: folder {folder} does not exist (create it first)")
    if not folder.is_dir():
        raise AbmGraphError(f"{option}: {folder} is not a folder: {out}")
    if not os.access(folder, os.W_OK | os.X_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise AbmGraphError(f"{option}: cannot write {out} (permission denied)")


def write_failed(out: Path, exc: OSError) -> AbmGraphError:
    """The one-line error of a file that could not be written.

    >>> str(write_failed(Path("/ro/t.csv"), PermissionError(13, "Permission denied")))
    'cannot write /ro/t.csv: Permission denied'
    """
    return AbmGraphError(f"cannot write {out}: {exc.strerror or exc}")
