"""VoxCeleb2 preparation (paper section 4.1): `python -m ears_tf.data.voxceleb`.

`layout` finds the released tree's clips, `media` decodes them with an ffmpeg binary
that a PyPI package ships (imageio-ffmpeg) or the system's, `splits` makes the
paper's speaker selection and video splits, and `prepare` ties them together into
the same records and manifest as the synthetic data.
"""
