"""SavedModel in the layout TF Serving loads: OUTPUT/NAME/VERSION/ with a `serving_default` signature."""
from __future__ import annotations

import os
import shutil
import tempfile

import keras

from ears_tf.errors import InputError
from export.graph import serving_function


def export_saved_model(model, output_dir, name: str = "ears_tf", version: int = 1) -> str:
    """Writes OUTPUT/NAME/VERSION/ (written aside, then renamed: never half a model); returns its path."""
    target = os.path.join(os.fspath(output_dir), name, str(version))
    if os.path.exists(target):
        raise InputError(target, "exists; choose another --version or remove it")
    parent = os.path.dirname(target)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".partial-", dir=parent)
    try:
        archive = keras.export.ExportArchive()
        archive.track(model)
        archive.add_endpoint("serving_default", serving_function(model))
        archive.write_out(os.path.join(staging, "model"))
        os.replace(os.path.join(staging, "model"), target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
