"""The error contract every entry point shares (`python -m ears_tf.train`, `.infer`, `.evaluate`,
`export`, `.data.synthetic`, `.data.voxceleb`, `.data.pairs`).

A user mistake is one line on stderr, `error: WHAT: PROBLEM`, and exit status 2, never a
traceback: a bad or unknown flag, a missing or malformed input file (`InputError`), a bad
configuration value (`ConfigError`), and a path the system refuses (`OSError`: no
permission, read-only or full file system, a path through a file). Running out of memory
is no user mistake in that sense: one line that says so, with the stage and batch size and
the flag to lower, and exit status 3. SIGTERM ends the
program through the same exception path as an error, so staged outputs are removed and
nothing partial is left; training turns SIGINT and SIGTERM into a checkpoint first.
"""
from __future__ import annotations

import os
import signal
import sys

from absl import app, flags, logging

from ears_tf.errors import InputError

USAGE_EXIT_CODE = 2
OUT_OF_MEMORY_EXIT_CODE = 3
SIGNAL_EXIT_CODE = 128


class Terminated(BaseException):
    """SIGTERM outside the training loop: unwinds the stack so staging folders are removed."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by signal {signum}")


def _terminate(signum, frame):
    raise Terminated(signum)


def _one_line(text) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0] if lines else ""


def _parse_flags(argv):
    try:
        return flags.FLAGS(argv)
    except flags.Error as error:
        print(f"error: {_one_line(error)} (see --help)", file=sys.stderr)
        sys.exit(USAGE_EXIT_CODE)


def _message(error: BaseException) -> str | None:
    """The one line for a user mistake; None for a bug (which keeps its traceback)."""
    from ears_tf.config import ConfigError

    if isinstance(error, (InputError, ConfigError)):
        return _one_line(error)
    if isinstance(error, app.UsageError):
        return f"{_one_line(error)} (see --help)"
    if isinstance(error, OSError):
        where = error.filename if error.filename is not None else "output"
        return f"{where}: {error.strerror or _one_line(error)}"
    tensorflow = sys.modules.get("tensorflow")
    if tensorflow is not None and isinstance(error, tensorflow.errors.PermissionDeniedError):
        return _one_line(error.message)
    if tensorflow is not None and isinstance(error, tensorflow.errors.ResourceExhaustedError) and _disk_full(error):
        return _one_line(error.message)  # TensorFlow's file writes: "PATH; No space left on device"
    return None


def _disk_full(error: BaseException) -> bool:
    return "No space left on device" in str(error)


def _out_of_memory(error: BaseException) -> str | None:
    """The one line for running out of memory (host or device), None for anything else."""
    tensorflow = sys.modules.get("tensorflow")
    tf_exhausted = tensorflow is not None and isinstance(error, tensorflow.errors.ResourceExhaustedError)
    xla_exhausted = type(error).__name__ == "XlaRuntimeError" and "RESOURCE_EXHAUSTED" in str(error)
    if not (isinstance(error, MemoryError) or xla_exhausted or (tf_exhausted and not _disk_full(error))):
        return None
    values = flags.FLAGS.flag_values_dict()
    where = ", ".join(f"{name} {values[name]}" for name in ("stage", "batch_size") if values.get(name) is not None)
    detail = _one_line(getattr(error, "message", None) or error)[:200]
    hint = "lower --batch_size" if "batch_size" in values else "use smaller batches"
    return f"out of memory{' (' + where + ')' if where else ''}: {detail}; {hint}"


def guarded(main, argv) -> None:
    """Runs an absl main at WARNING verbosity (unless --verbosity is given) under the contract above."""
    if not flags.FLAGS["verbosity"].present:  # TensorFlow's INFO chatter would bury the progress lines
        logging.set_verbosity(logging.WARNING)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        main(argv)
    except Terminated as stopped:
        print(f"error: {stopped}; outputs in progress were removed", file=sys.stderr)
        sys.exit(SIGNAL_EXIT_CODE + stopped.signum)
    except KeyboardInterrupt:
        print("error: interrupted; outputs in progress were removed", file=sys.stderr)
        sys.exit(SIGNAL_EXIT_CODE + signal.SIGINT)
    except Exception as error:  # noqa: BLE001  (bugs are re-raised below)
        memory = _out_of_memory(error)
        if memory is not None:
            print(f"error: {memory}", file=sys.stderr)
            sys.exit(OUT_OF_MEMORY_EXIT_CODE)
        message = _message(error)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        sys.exit(USAGE_EXIT_CODE)


BACKENDS = ("tensorflow", "jax")


def select_backend(argv: list) -> str:
    """The Keras backend of `--backend=NAME` in `argv`, else of KERAS_BACKEND, else TensorFlow. A
    backend named in `argv` is set in KERAS_BACKEND, for Keras to read on its first import, which
    must come after this call."""
    named = None
    for index, arg in enumerate(argv[1:], start=1):
        if arg.startswith("--backend="):
            named = arg.split("=", 1)[1]
        elif arg == "--backend" and index + 1 < len(argv):
            named = argv[index + 1]
    if named in BACKENDS:  # another name is the flag's error to report
        os.environ["KERAS_BACKEND"] = named
    return named or os.environ.get("KERAS_BACKEND") or "tensorflow"


def run(main) -> None:
    """`app.run(main)` with flag errors, user mistakes and signals handled as the module says."""
    app.run(lambda argv: guarded(main, argv), flags_parser=_parse_flags)
