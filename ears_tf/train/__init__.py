"""Training: the shared loop (`loop`), strategies, and one module per stage.

`python -m ears_tf.train --stage=NAME --preset=PRESET --data=DIR --workdir=DIR`
"""
import os

# TensorFlow turns its oneDNN CPU kernels on by itself only on CPUs with AVX-512 VNNI or newer.
# On AVX2-only CPUs its fallback trains much slower, while at the paper's widths oneDNN slows a
# batch-1 forward (docs/benchmarks.md has both): so training turns them on, inference and
# export keep TensorFlow's choice. TF_ENABLE_ONEDNN_OPTS=0 opts out.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
