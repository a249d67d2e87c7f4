"""The built-in synthetic audio-visual data set (docs/design.md section 4).

`python -m ears_tf.data.synthetic --output=DIR [--preset=quickstart] [--speakers=N] [--seed=S]`
Kept free of TensorFlow imports so that generation workers start fast.
"""
