"""ears_tf: Learning to Have an Ear for Face Super-Resolution (CVPR 2020) in TF 2 / Keras 3.

Submodules: `config`, `layers`, `data` (records, pipelines, synthetic data). Importing
the package itself loads no TensorFlow, so command-line errors and worker processes
start fast.
"""
import os

# TensorFlow's C++ INFO and WARNING lines (CPU features, oneDNN, rendezvous) would bury the
# progress lines and come before a one-line error; errors still show. Set
# TF_CPP_MIN_LOG_LEVEL=0 to see everything.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# TensorFlow turns its oneDNN CPU kernels on by itself only on CPUs with AVX-512 VNNI or
# newer; on AVX2-only CPUs its fallback convolutions trained the quickstart 1.5 to 2x slower
# (docs/benchmarks.md). Set TF_ENABLE_ONEDNN_OPTS=0 to leave the choice to TensorFlow.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

__version__ = "0.1.0"
