"""A frozen network's code of every training face, computed once and looked up by the face's key.

`pretrain_audio` regresses the frontal code (E_h(x) + E_h(mirror of x)) / 2 and the fusion
stages E_h(x): fixed functions of the record, which a per-step computation repeats on
every epoch, and at the quickstart's sizes are a large share of the step (docs/training.md).
Codes are computed through the same pipeline the stage trains on and found by the key the
pipeline gives every record (`pipeline.image_key`), by the input pipeline, which adds them
to each batch. A dataset whose codes would not fit the
budget (VoxCeleb2 at the paper's sizes: 36 KB a face) gets no cache, and the stage computes
its targets per step as before.
"""
from __future__ import annotations

import math
import time

import numpy as np
import tensorflow as tf

from ears_tf import backends
from ears_tf.data import pipeline, records

CHUNK = 64  # faces per forward pass while filling the cache


class CodeCache:
    """codes [N, ...] float32 found by int64 keys [N] (unique)."""

    def __init__(self, keys: np.ndarray, codes: np.ndarray):
        self.size = len(keys)
        # Sorted keys and a binary search: the lookup runs in the input pipeline, on every backend.
        order = np.argsort(keys, kind="stable")
        self._keys = tf.constant(np.asarray(keys)[order], tf.int64)  # [N], ascending
        self._codes = tf.constant(np.asarray(codes)[order], tf.float32)  # [N, ...]

    def lookup(self, keys):
        """The codes of `keys` [B]: [B, ...]; a key not in the cache is an error, not a silent zero."""
        keys = tf.cast(keys, tf.int64)
        rows = tf.minimum(tf.searchsorted(self._keys, keys, side="left"), self.size - 1)  # [B]
        found = tf.equal(tf.gather(self._keys, rows), keys)
        tf.debugging.assert_equal(found, True, message="a face that is not in the code cache")
        return tf.gather(self._codes, rows)  # [B, ...]


def code_bytes(count: int, code_shape) -> int:
    return count * math.prod(code_shape) * np.dtype(np.float32).itemsize


def build_code_cache(data_dir, splits, code_fn, code_shape, hr_size: int, max_bytes: int,
                     label: str = "codes") -> CodeCache | None:
    """code_fn(hr [B, HR, HR, 3]) for every face of `splits`, or None when they would exceed `max_bytes`."""
    manifest = records.Manifest.load(data_dir)
    count = sum(manifest.splits[name].count for name in splits)
    if code_bytes(count, code_shape) > max_bytes:
        return None
    options = pipeline.PipelineOptions(batch_size=CHUNK, training=False, drop_remainder=False,
                                       with_audio=False, hr_size=hr_size)
    compiled = backends.current().compiled_function(code_fn)
    start = time.perf_counter()
    keys, codes = [], []
    for batch in pipeline.make_dataset(data_dir, list(splits), options):
        keys.append(batch["key"].numpy())
        codes.append(np.asarray(compiled(batch["hr"].numpy())))
    keys, first = np.unique(np.concatenate(keys), return_index=True)  # a face stored twice has one code
    cache = CodeCache(keys, np.concatenate(codes)[first])
    print(f"{label} of {cache.size:,} faces computed once ({time.perf_counter() - start:.0f} s, "
          f"{code_bytes(cache.size, code_shape) / 2**20:.1f} MiB)", flush=True)
    return cache
