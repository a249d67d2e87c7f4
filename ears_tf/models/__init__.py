"""Keras models of the method: the StyleGAN generator and discriminator (more to come)."""
from ears_tf.models.discriminator import Discriminator
from ears_tf.models.generator import Generator, MappingNetwork, SynthesisNetwork

__all__ = ["Discriminator", "Generator", "MappingNetwork", "SynthesisNetwork"]
