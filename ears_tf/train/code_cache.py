"""A frozen network's code of every training face, computed once and looked up by the face's key.

`pretrain_audio` regresses the frontal code (E_h(x) + E_h(mirror of x)) / 2 and the fusion
stages E_h(x): fixed functions of the record, which a per-step computation repeats on
every epoch. At the quickstart's sizes E_h's two forwards were 30% of pretrain_audio's step.
Codes are computed through the same pipeline the stage trains on and found by the key the
pipeline gives every record (`pipeline.image_key`). A dataset whose codes would not fit the
budget (VoxCeleb2 at the paper's sizes: 36 KB a face) gets no cache, and the stage computes
its targets per step as before.
"""
from __future__ import annotations

import math
import time

import numpy as np
import tensorflow as tf

from ears_tf.data import pipeline, records

CHUNK = 64  # faces per forward pass while filling the cache


class CodeCache:
    """codes [N, ...] float32 found by int64 keys [N] (unique)."""

    def __init__(self, keys: np.ndarray, codes: np.ndarray):
        self.size = len(keys)
        self._rows = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(tf.constant(keys, tf.int64), tf.range(len(keys), dtype=tf.int64)),
            default_value=-1)
        self._codes = tf.constant(codes, tf.float32)

    def lookup(self, keys):
        """The codes of `keys` [B]: [B, ...]; a key not in the cache is an error, not a silent zero."""
        rows = self._rows.lookup(tf.cast(keys, tf.int64))
        tf.debugging.assert_non_negative(rows, message="a face that is not in the code cache")
        return tf.gather(self._codes, rows)


def code_bytes(count: int, code_shape) -> int:
    return count * math.prod(code_shape) * np.dtype(np.float32).itemsize


def build_code_cache(data_dir, splits, code_fn, code_shape, hr_size: int, max_bytes: int,
                     label: str = "codes") -> CodeCache | None:
    """code_fn(hr [B, HR, HR, 3]) for every face of `splits`, or None when they would exceed `max_bytes`."""
    manifest = records.Manifest.load(data_dir)
    count = sum(manifest.splits[name].count for name in splits)
    if code_bytes(count, code_shape) > max_bytes:
        return None
    options = pipeline.PipelineOptions(batch_size=CHUNK, training=False, deterministic=True, drop_remainder=False,
                                       with_audio=False, hr_size=hr_size)
    compiled = tf.function(code_fn)
    start = time.perf_counter()
    keys, codes = [], []
    for batch in pipeline.make_dataset(data_dir, list(splits), options):
        keys.append(batch["key"].numpy())
        codes.append(np.asarray(compiled(batch["hr"])))
    keys, first = np.unique(np.concatenate(keys), return_index=True)  # a face stored twice has one code
    cache = CodeCache(keys, np.concatenate(codes)[first])
    print(f"{label} of {cache.size:,} faces computed once ({time.perf_counter() - start:.0f} s, "
          f"{code_bytes(cache.size, code_shape) / 2**20:.1f} MiB)", flush=True)
    return cache
