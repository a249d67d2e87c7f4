"""User-facing errors; `ears_tf.cli` turns them into one line and exit status 2."""
from __future__ import annotations

import os
import re


class InputError(Exception):
    """Bad user input: a file that is missing, unreadable or malformed.

    Carries the offending path so the message names it.
    """

    def __init__(self, path, problem: str):
        self.path = os.fspath(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)


def reason(error: BaseException) -> str:
    """The readable part of an exception for a one-line message: its first line, without
    TensorFlow's `{{function_node ...}}` prefix and `[Op:...]` suffix."""
    text = getattr(error, "message", None) or str(error)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    line = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", lines[0])
    return re.sub(r"\s*\[Op:[^\]]*\].*$", "", line).strip() or type(error).__name__
