"""SavedModel in the layout TF Serving loads: OUTPUT/NAME/VERSION/ with a `serving_default` signature
and warm-up requests in assets.extra/ (batch 1 and batch 8, real-looking inputs)."""
from __future__ import annotations

import os

import keras
import numpy as np

from ears_tf.errors import InputError
from ears_tf.workdir.atomic import atomic_path
from export.graph import serving_function
from export.warmup import write_warmup

WARMUP_BATCHES = (1, 8)


def export_saved_model(model, output_dir, name: str = "ears_tf", version: int = 1) -> str:
    """Writes OUTPUT/NAME/VERSION/ (written aside, then renamed: never half a model); returns its path."""
    target = os.path.join(os.fspath(output_dir), name, str(version))
    if os.path.exists(target):
        raise InputError(target, "exists; choose another --version or remove it")
    with atomic_path(target, folder=True) as staging:
        os.rmdir(staging)  # ExportArchive writes a new folder
        archive = keras.export.ExportArchive()
        # No archive.track(model): the endpoint tracks the variables it reads, and tracking
        # the model as well saved every weight twice (Keras' wrapper and its tf.Variable).
        archive.add_endpoint("serving_default", serving_function(model))
        archive.write_out(staging, verbose=False)
        write_warmup(staging, name, warmup_requests(model.model_config))
    return target


def warmup_requests(model_config) -> list:
    """{lr_image, waveform} requests at the batch sizes a server is likely to see first."""
    from export.parity import probe_inputs

    lr_image, waveform = probe_inputs(model_config)["real-looking"]
    return [{"lr_image": np.resize(lr_image, (n,) + lr_image.shape[1:]),
             "waveform": np.resize(waveform, (n,) + waveform.shape[1:])} for n in WARMUP_BATCHES]
