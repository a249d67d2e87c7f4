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

__version__ = "0.1.0"
