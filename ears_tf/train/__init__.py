"""Training: the shared loop (`loop`), strategies, and one module per stage.

`python -m ears_tf.train --stage=NAME --preset=PRESET --data=DIR --workdir=DIR`
"""
