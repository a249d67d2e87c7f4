"""Atomic writes: every file and folder the project writes appears whole or not at all.

A file is written to a temporary name in its own folder (so the rename never crosses a
file system), flushed and fsynced, then renamed over the target; the folder is fsynced
so the rename itself survives a power cut. A crash, SIGKILL or a full disk leaves at
most a `.partial-*` entry, which `sweep_partials` removes on the next run.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile

PARTIAL_PREFIX = ".partial-"


def _fsync_folder(folder: str) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:  # some file systems do not open folders; the rename is still atomic
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _fsync_tree(path: str) -> None:
    """fsync every file under `path` (a file or a folder Keras, TF or a writer filled)."""
    if os.path.isfile(path):
        with open(path, "rb") as f:
            os.fsync(f.fileno())
        return
    for folder, _, names in os.walk(path):
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                os.fsync(f.fileno())
        _fsync_folder(folder)


@contextlib.contextmanager
def atomic_path(path, folder: bool = False):
    """Yields a temporary path beside `path`; on a clean exit it replaces `path`.

    The temporary path keeps `path`'s extension (Keras checks `.keras`). With
    `folder=True` it is an empty folder to fill. On any exception (a signal's too)
    the temporary path is removed and `path` is left as it was.
    """
    path = os.path.abspath(os.fspath(path))
    parent = os.path.dirname(path)
    os.makedirs(parent, exist_ok=True)
    name = os.path.basename(path)
    stem, extension = os.path.splitext(name)
    if folder:
        temporary = tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}{stem}-", dir=parent)
    else:
        handle, temporary = tempfile.mkstemp(prefix=f"{PARTIAL_PREFIX}{stem}-", suffix=extension, dir=parent)
        os.close(handle)
        os.unlink(temporary)  # writers that refuse to overwrite (Keras, h5) get a free name
    try:
        yield temporary
        _fsync_tree(temporary)
        if folder:
            os.chmod(temporary, 0o755)  # mkdtemp's 0700 would hide outputs from other users
            if os.path.isdir(path) and not os.listdir(path):
                os.rmdir(path)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
        _fsync_folder(parent)
    except BaseException:
        if os.path.isdir(temporary):
            shutil.rmtree(temporary, ignore_errors=True)
        elif os.path.lexists(temporary):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def staged_folder(output, last: tuple = (), replace: tuple = ()):
    """Yields an empty staging folder beside `output`; on a clean exit its contents land in `output`.

    A new or empty `output` is replaced by the staging folder in one rename. Into an
    existing folder each staged file is renamed into place (sub-folders merged), the
    names in `last` after all others (a marker whose presence means complete); files of
    `output` whose names end with a suffix in `replace` are removed first (an earlier
    run's shards). On any exception the staging folder is removed and `output` is untouched.
    """
    output = os.path.abspath(os.fspath(output))
    if not os.path.isdir(output) or not os.listdir(output):
        with atomic_path(output, folder=True) as staging:
            yield staging
        return
    staging = tempfile.mkdtemp(prefix=f"{PARTIAL_PREFIX}{os.path.basename(output)}-", dir=os.path.dirname(output))
    try:
        yield staging
        _fsync_tree(staging)
        for name in os.listdir(output):
            if replace and name.endswith(replace) and os.path.isfile(os.path.join(output, name)):
                os.remove(os.path.join(output, name))
        staged = []
        for folder, _, names in os.walk(staging):
            staged += [os.path.relpath(os.path.join(folder, name), staging) for name in names]
        for relative in sorted(staged, key=lambda r: (os.path.basename(r) in last, r)):
            target = os.path.join(output, relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.chmod(os.path.join(staging, relative), 0o644)
            os.replace(os.path.join(staging, relative), target)
        _fsync_folder(output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def write_bytes(path, data: bytes) -> None:
    with atomic_path(path) as temporary:
        with open(temporary, "wb") as f:
            f.write(data)


def write_text(path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_json(path, data) -> None:
    write_text(path, json.dumps(data, indent=2) + "\n")


def read_json_object(path, key: str, kind: type) -> dict | None:
    """The JSON object in `path`, None if there is no such file; ValueError or OSError if it is
    unreadable, truncated, or lacks `key` of type `kind` (what a killed writer of old left)."""
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if not isinstance(data, dict) or not isinstance(data.get(key), kind):
        raise ValueError(f"no {key} recorded")
    return data


def append_line(path, line: str) -> None:
    """Appends one line (a metrics.jsonl record); a crash loses at most that line, never earlier ones."""
    os.makedirs(os.path.dirname(os.path.abspath(os.fspath(path))), exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(line.rstrip("\n") + "\n")
        f.flush()
        os.fsync(f.fileno())


def sweep_partials(folder) -> list:
    """Removes `.partial-*` entries a killed run left under `folder`; returns their paths."""
    removed = []
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        return removed
    for root, dirs, files in os.walk(folder):
        for name in list(dirs):
            if name.startswith(PARTIAL_PREFIX):
                shutil.rmtree(os.path.join(root, name), ignore_errors=True)
                removed.append(os.path.join(root, name))
                dirs.remove(name)
        for name in files:
            if name.startswith(PARTIAL_PREFIX):
                os.unlink(os.path.join(root, name))
                removed.append(os.path.join(root, name))
    return removed


def check_writable(folder) -> None:
    """Checks, before any long work, that files can be written in `folder` (or in its nearest
    existing parent, where the folder is still to be made), touching nothing.

    Raises OSError naming the folder: a path through a file, a read-only file system, no
    permission, or no free space.
    """
    folder = os.path.abspath(os.fspath(folder))
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise NotADirectoryError(errno.ENOTDIR, f"{existing} is a file, not a folder", folder)
    stats = os.statvfs(existing)
    if stats.f_flag & os.ST_RDONLY:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), folder)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), folder)
    if stats.f_bavail == 0:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), folder)
