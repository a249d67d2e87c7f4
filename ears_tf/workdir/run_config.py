"""WORKDIR/config.json: which preset a workdir was trained with, the overrides, the package versions.

Written by the first stage that runs in a workdir. Every later stage, the evaluation,
inference and export read it, so a run with another preset fails at once with one line
naming both presets instead of deep inside Keras with a shape error. A workdir made
before config.json existed keeps working, with a warning.
"""
from __future__ import annotations

import datetime
import os
import platform
import sys
from importlib import metadata

from ears_tf.errors import InputError
from ears_tf.workdir.atomic import read_json_object, write_json

CONFIG = "config.json"
FORMAT = "ears_tf.workdir/1"
_PACKAGES = ("ears_tf", "tensorflow-cpu", "tensorflow", "keras", "numpy", "tensorflow-io")


def config_path(workdir) -> str:
    return os.path.join(os.fspath(workdir), CONFIG)


def versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return versions


def read(workdir) -> dict | None:
    """The workdir's config.json, None if it has none; an InputError if it is unreadable."""
    path = config_path(workdir)
    try:
        return read_json_object(path, "preset", str)
    except (ValueError, OSError) as error:
        raise InputError(path, f"unreadable workdir config ({error}); restore it or start a new workdir") from None


def check(workdir, preset: str | None = None) -> str | None:
    """The workdir's preset; an InputError if it differs from `preset` (when given)."""
    data = read(workdir)
    if data is None:
        if _has_stages(workdir):
            print(f"warning: {config_path(workdir)}: missing (a workdir made before ears_tf recorded its "
                  "preset); the preset is not checked", file=sys.stderr)
        return None
    if preset is not None and data["preset"] != preset:
        raise InputError(config_path(workdir), f"this workdir was trained with preset {data['preset']!r}, "
                                               f"not {preset!r}; use --preset={data['preset']} or a new workdir")
    return data["preset"]


def _has_stages(workdir) -> bool:
    workdir = os.fspath(workdir)
    return os.path.isdir(workdir) and any(os.path.isdir(os.path.join(workdir, name)) for name in os.listdir(workdir))


def record(workdir, preset: str, overrides: dict) -> None:
    """Checks the workdir against `preset`, then writes config.json if it has none (its first stage)."""
    existing = check(workdir, preset)
    if existing is not None or _has_stages(workdir):  # recorded, or made before config.json: not guessed
        return
    write_json(config_path(workdir), {
        "format": FORMAT,
        "preset": preset,
        "overrides": {k: v for k, v in sorted(overrides.items()) if v is not None},
        "versions": versions(),
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "arguments": sys.argv[1:],
    })
