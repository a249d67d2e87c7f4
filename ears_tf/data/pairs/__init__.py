"""A folder of pairs, ROOT/images/NAME.* + ROOT/audio/NAME.* (the authors' demo layout), as records:
`python -m ears_tf.data.pairs --root=DIR --output=DIR`, over `prepare.prepare_pairs`.

The package imports nothing, so the command line checks its paths before TensorFlow loads.
"""
