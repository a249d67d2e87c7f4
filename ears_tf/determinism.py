"""Deterministic training: two runs of one command and seed give the same weights, bit for bit,
on one machine (`python -m ears_tf.train --deterministic`).

A seeded run already reads the same batches and draws the same latents, noise and
augmentation (docs/training.md). What is left is the order of floating-point sums inside a
step, which the schedule of ops can change:
- TensorFlow on the CPU: the tape sums a tensor's three or more gradients in one `AddN`,
  whose kernel adds into whichever input buffer it may reuse first, so the ops running
  beside it set the order of the sum. One inter-op thread fixes the schedule, and changes
  nothing else: a stage whose runs repeated without the flag trains the same weights with it.
  TensorFlow's op determinism does not fix it, and it changes the CPU results of other stages
  (measured: docs/training.md), so it is left off where there is no GPU.
- On a GPU: cuDNN's algorithm choice and atomic reductions, which TensorFlow's op
  determinism and XLA's `--xla_gpu_deterministic_ops` turn off (XLA parses that flag on the
  CPU too, where it does nothing).
The environment carries all of it, so the processes a run starts (the evaluation of
`--stage=all`) inherit it.
"""
from __future__ import annotations

import os

INTEROP_THREADS_VARIABLE = "TF_NUM_INTEROP_THREADS"
OP_DETERMINISM_VARIABLE = "TF_DETERMINISTIC_OPS"
XLA_FLAGS_VARIABLE = "XLA_FLAGS"
XLA_GPU_DETERMINISM = "xla_gpu_deterministic_ops"
# Op determinism refuses a random op without any seed. The training loop seeds TensorFlow from
# --seed; before it, this global seed stands in: the graph seed TensorFlow pairs with an op's own
# seed when no global seed is set (tensorflow/python/framework/random_seed.py), so an op with a
# seed of its own draws what it draws without the flag.
TENSORFLOW_DEFAULT_GRAPH_SEED = 87654321


def enable() -> None:
    """Call before TensorFlow runs its first op and before JAX makes its first array."""
    os.environ[INTEROP_THREADS_VARIABLE] = "1"
    xla_flags = os.environ.get(XLA_FLAGS_VARIABLE, "")
    if XLA_GPU_DETERMINISM not in xla_flags:  # a user's own setting of it wins
        os.environ[XLA_FLAGS_VARIABLE] = f"{xla_flags} --{XLA_GPU_DETERMINISM}=true".strip()
    import tensorflow as tf

    try:
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except RuntimeError as error:
        raise RuntimeError("determinism.enable() must run before TensorFlow runs its first op") from error
    if tf.config.list_physical_devices("GPU"):
        os.environ[OP_DETERMINISM_VARIABLE] = "1"
        tf.config.experimental.enable_op_determinism()
        tf.random.set_seed(TENSORFLOW_DEFAULT_GRAPH_SEED)


def describe() -> str:
    """What this process runs with, for a run's first lines and the benchmarks."""
    threads = os.environ.get(INTEROP_THREADS_VARIABLE) or "default"  # enable() sets both in the environment
    op_determinism = os.environ.get(OP_DETERMINISM_VARIABLE) in ("1", "true")
    return f"inter-op threads: {threads}; op determinism: {'on' if op_determinism else 'off'}"
