"""Keras models of the method: G and D, the encoders E_h, E_l, E_a and the fusion F / F3."""
from ears_tf.models.audio_encoder import AudioEncoder
from ears_tf.models.discriminator import Discriminator
from ears_tf.models.fusion import Fusion
from ears_tf.models.generator import Generator, MappingNetwork, SynthesisNetwork
from ears_tf.models.high_res_encoder import HighResEncoder
from ears_tf.models.low_res_encoder import LowResEncoder

__all__ = [
    "AudioEncoder", "Discriminator", "Fusion", "Generator", "HighResEncoder", "LowResEncoder", "MappingNetwork",
    "SynthesisNetwork",
]
