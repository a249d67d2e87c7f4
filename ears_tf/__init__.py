"""ears_tf: Learning to Have an Ear for Face Super-Resolution (CVPR 2020) in TF 2 / Keras 3.

Submodules: `config`, `layers`, `data` (records, pipelines, synthetic data). Importing
the package itself loads no TensorFlow, so command-line errors and worker processes
start fast.
"""
__version__ = "0.1.0"
