"""Checkpoints of Keras variables as NumPy arrays: the JAX runtime's format.

`tf.train.Checkpoint` tracks TensorFlow objects only; under JAX a stage's state is its
Keras variables (models, optimizers, seed generators) and a step count. Each save writes
CHECKPOINT_DIR/ckpt-STEP.npz through a temporary file renamed into place, then the index
`arrays.json` (also renamed into place), so a process killed at any point leaves the
previous checkpoint as the latest. Variables are named ITEM/INDEX (not by their paths:
Keras numbers an optimizer's name by the order of creation in a process); a restore checks
that the checkpoint holds exactly the stage's variables, with their shapes.

TensorFlow's format (`checkpoint`, `ckpt-N.index`) and this one never mix in one folder:
each runtime refuses the other's checkpoints with a one-line error (`refuse_in`).
"""
from __future__ import annotations

import json
import os

import numpy as np

import keras

from ears_tf.errors import InputError
from ears_tf.layers.constants import without_constants
from ears_tf.workdir.atomic import atomic_path, write_json

INDEX = "arrays.json"  # this format's index: {"backend", "checkpoints": [file, ...] oldest first}
TENSORFLOW_INDEX = "checkpoint"  # tf.train.CheckpointManager's


def checkpoint_variables(items: dict) -> dict:
    """{ITEM/INDEX: variable} of the checkpointed items' Keras state: every variable of
    the models and layers (seed generators' included) but their constants, which `build`
    remakes, and every optimizer variable. Other items (TensorFlow's random generator) hold
    no Keras state and are left out."""
    named = {}
    for item, trackable in items.items():
        if isinstance(trackable, keras.layers.Layer):
            variables = without_constants(trackable, trackable.variables)
        elif isinstance(trackable, keras.optimizers.Optimizer):
            variables = trackable.variables
        else:
            continue
        named.update({f"{item}/{index}": v for index, v in enumerate(variables)})
    return named


class ArrayCheckpoint:
    """The checkpoints of one stage's `checkpoint_items` and step in one folder."""

    def __init__(self, items: dict, directory: str, backend: str, max_to_keep: int = 2):
        self.variables = checkpoint_variables(items)
        self.directory, self.backend, self.max_to_keep = directory, backend, max_to_keep

    @staticmethod
    def refuse_in(directory: str, backend: str) -> None:
        """A one-line error when `directory` holds the other format's checkpoints."""
        if backend == "tensorflow" and os.path.isfile(os.path.join(directory, INDEX)):
            made_by = _read_index(os.path.join(directory, INDEX)).get("backend", "jax")
            raise InputError(directory, f"checkpoints written under the {made_by} backend; resume with "
                                        f"--backend={made_by}, or use a new workdir")
        if backend != "tensorflow" and os.path.isfile(os.path.join(directory, TENSORFLOW_INDEX)):
            raise InputError(directory, "TensorFlow checkpoints; resume with --backend=tensorflow, or use a new "
                                        "workdir")

    def latest(self) -> str | None:
        index = os.path.join(self.directory, INDEX)
        if not os.path.isfile(index):
            return None
        files = _read_index(index).get("checkpoints") or []
        return os.path.join(self.directory, files[-1]) if files else None

    def restore(self, path: str) -> int:
        """Assigns the checkpoint's arrays to the variables; returns its step."""
        try:
            with np.load(path) as arrays:
                stored = {name: arrays[name] for name in arrays.files}
        except (OSError, ValueError) as error:
            raise InputError(path, f"unreadable checkpoint ({error})") from None
        step = stored.pop("step", None)
        expected = {name: tuple(v.shape) for name, v in self.variables.items()}
        found = {name: tuple(value.shape) for name, value in stored.items()}
        if step is None or expected != found:
            missing = sorted(set(expected) - set(found)) or sorted(n for n in expected if expected[n] != found[n])
            detail = f" (first difference: {missing[0]}, {self.variables[missing[0]].path})" if missing else ""
            raise InputError(path, f"does not match the stage as configured now{detail}; resume with the settings "
                                   "it was made with, or use a new workdir")
        for name, variable in self.variables.items():
            variable.assign(stored[name])
        return int(step)

    def path(self, step: int) -> str:
        """The file of the checkpoint at `step`."""
        return os.path.join(self.directory, f"ckpt-{step}.npz")

    def save(self, step: int) -> str:
        os.makedirs(self.directory, exist_ok=True)
        path = self.path(step)
        name = os.path.basename(path)
        with atomic_path(path) as temporary:
            with open(temporary, "wb") as f:
                np.savez(f, step=np.asarray(step, np.int64),
                         **{key: np.asarray(v.numpy()) for key, v in self.variables.items()})
        index = os.path.join(self.directory, INDEX)
        kept = [f for f in (_read_index(index).get("checkpoints") or []) if f != name] if os.path.isfile(index) else []
        kept.append(name)
        dropped, kept = kept[:-self.max_to_keep], kept[-self.max_to_keep:]
        write_json(index, {"backend": self.backend, "checkpoints": kept})  # last: it names complete files
        for old in dropped:
            try:
                os.remove(os.path.join(self.directory, old))
            except FileNotFoundError:
                pass
        return path


def _read_index(path: str) -> dict:
    try:
        with open(path) as f:
            index = json.load(f)
    except (OSError, ValueError) as error:
        raise InputError(path, f"unreadable checkpoint index ({error})") from None
    if not isinstance(index, dict):
        raise InputError(path, "unreadable checkpoint index (not a JSON object)")
    return index
