"""Exporters of the fused inference model (`ears_tf.models.SuperResolver`) and their parity checks.

One graph from one library function (`graph.serving_function`): inputs `lr_image`
[N, r, r, 3] and `waveform` [N, 64000], output `image` [N, HR, HR, 3], dynamic N,
the spectrogram inside. `python -m export --workdir=DIR --format=saved_model|tflite|onnx --output=DIR`.
"""
