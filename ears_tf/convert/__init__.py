"""Importing the authors' released model (their TF1 checkpoint and StyleGAN snapshot) into a workdir.

`python -m ears_tf.convert --checkpoint=PATH/model-0 [--stylegan_pkl=PATH.pkl] --workdir=OUT`;
`convert.convert` is the library call.
"""
