"""Keras models of the method: G and D, the encoders E_h, E_l, E_a, the fusion F / F3 and the
fused inference model `SuperResolver`; for the evaluation, the classifiers C_i / C_g
(`FaceClassifier`) and the 16x CNN baseline (`SRBaseline`)."""
from ears_tf.models.audio_encoder import AudioEncoder
from ears_tf.models.discriminator import Discriminator
from ears_tf.models.face_classifier import FaceClassifier
from ears_tf.models.fusion import Fusion
from ears_tf.models.generator import Generator, MappingNetwork, SynthesisNetwork
from ears_tf.models.high_res_encoder import HighResEncoder
from ears_tf.models.low_res_encoder import LowResEncoder
from ears_tf.models.sr_baseline import SRBaseline
from ears_tf.models.super_resolver import SuperResolver

__all__ = [
    "AudioEncoder", "Discriminator", "FaceClassifier", "Fusion", "Generator", "HighResEncoder", "LowResEncoder", "MappingNetwork",
    "SRBaseline", "SuperResolver", "SynthesisNetwork",
]
