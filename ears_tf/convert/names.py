"""The authors' variable names: scopes, layer names and the copies of the generator.

Facts of their format (TF1 `model-0` and the StyleGAN snapshot), in one place for the
width inference and the mapping table.
"""
from __future__ import annotations

LOW_RES_ENCODER = "LOW_RES_ENCODER//"  # test.py's scope + the encoders' variable_scope('')
AUDIO_ENCODER = "AUDIO_SPECTROGRAM_ENCODER//"
FUSER = "AUDIO_VISUAL_FUSER//"
ENCODER_SCOPES = (LOW_RES_ENCODER, AUDIO_ENCODER, FUSER)

# test.py restores every trainable variable whose name holds "G_": three generators. The
# one its inference runs is the copy it builds itself, the third.
INFERENCE_SYNTHESIS = "G_synthesis_2/"
INFERENCE_MAPPING = "G_mapping_2/"
GENERATOR_COPIES = {  # checkpoint scope -> what it is
    "G_synthesis/": "the snapshot's G (the training generator) as test.py restores it",
    "G_mapping/": "the snapshot's G (the training generator) as test.py restores it",
    "G_synthesis_1/": "the snapshot's Gs as test.py restores it",
    "G_mapping_1/": "the snapshot's Gs as test.py restores it",
}
# The scopes the snapshot's networks get when test.py loads the pickle.
SNAPSHOT_SCOPES = {
    ("G",): "G", ("G", "synthesis"): "G_synthesis", ("G", "mapping"): "G_mapping",
    ("D",): "D",
    ("Gs",): "Gs", ("Gs", "synthesis"): "G_synthesis_1", ("Gs", "mapping"): "G_mapping_1",
}

E_L_CONVS_PER_SCALE = 3  # two 3x3 convs and (but on the last scale) a stride-2 conv
E_A_SCALES = 6


def slim_conv(index: int) -> str:
    """slim numbers its convs in creation order: Conv, Conv_1, Conv_2, ..."""
    return "Conv" if index == 0 else f"Conv_{index}"


def slim_dense(index: int) -> str:
    return "fully_connected" if index == 0 else f"fully_connected_{index}"


def synthesis_layer(index: int) -> str:
    """Their name of synthesis layer `index` (0-based, two per resolution from 4x4)."""
    if index == 0:
        return "4x4/Const"
    if index == 1:
        return "4x4/Conv"
    size = 2 ** (index // 2 + 2)
    return f"{size}x{size}/{'Conv0_up' if index % 2 == 0 else 'Conv1'}"
