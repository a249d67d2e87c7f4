"""The HR faces of some splits held in memory, for the experiments that train classifiers."""
import numpy as np


def load_faces(data_dir, splits):
    """(HR faces [N, H, W, 3] in [-1, 1], speakers [N], genders [N] (-1: unknown)) of `splits`, in record order."""
    from ears_tf.data.pipeline import PipelineOptions, make_dataset

    options = PipelineOptions(batch_size=256, training=False, with_audio=False,
                              drop_remainder=False)
    faces, speakers, genders = [], [], []
    for batch in make_dataset(data_dir, list(splits), options):
        faces.append(batch["hr"].numpy())
        speakers.append(batch["speaker"].numpy())
        genders.append(batch["gender"].numpy())
    return np.concatenate(faces), np.concatenate(speakers), np.concatenate(genders)
