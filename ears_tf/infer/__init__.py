"""Super-resolving faces with a trained workdir.

    python -m ears_tf.infer ...   the CLI (`__main__`; its flags are in docs/cli.md)
    model     the workdir's fused model, loaded once (`load_super_resolver`), run in batches
    inputs    image and audio files -> the model's inputs (`load_face`, `load_waveform`)
    modes     the CLI's modes: a pair or the authors' strip, the mixing grid, a folder

Importing the package loads no TensorFlow, so the CLI answers a bad flag at once.
"""
