"""User-facing errors and the CLI wrapper that turns them into one line and exit status 2."""
from __future__ import annotations

import os
import sys

USAGE_EXIT_CODE = 2


class InputError(Exception):
    """Bad user input: a file that is missing, unreadable or malformed.

    Carries the offending path so the message names it.
    """

    def __init__(self, path, problem: str):
        self.path = os.fspath(path) if path is not None else None
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)


def run_cli(main, argv) -> None:
    """Runs an absl main at WARNING verbosity (unless --verbosity is given); an InputError
    becomes `error: PATH: PROBLEM` and exit 2."""
    from absl import flags, logging

    from ears_tf.config import ConfigError

    if not flags.FLAGS["verbosity"].present:  # TensorFlow's INFO chatter would bury the progress lines
        logging.set_verbosity(logging.WARNING)
    try:
        main(argv)
    except (InputError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(USAGE_EXIT_CODE)
