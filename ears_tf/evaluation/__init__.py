"""The paper's evaluation (section 4.3): Tables 1 and 2, the audio-swap test and the figures.

`python -m ears_tf.evaluate` is the CLI; `evaluate()` in `run.py` does the work.
"""
