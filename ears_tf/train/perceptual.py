"""Feature networks for the perceptual loss of the `encoder_hr` stage (paper eq. 1).

The paper uses VGG16 (ImageNet) features. Weights cannot be downloaded at run time,
so `vgg16_features` loads them from a local Keras weights file (for example
`vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5` from a machine's Keras cache).
Without one, `discriminator_features` uses the block activations of the trained
StyleGAN discriminator, a network that has learnt what faces in this data look like.
Both map images in [-1, 1] to a list of feature maps, and both are frozen.
"""
from __future__ import annotations

import os

import keras
from keras import ops

from ears_tf.errors import InputError

VGG16_LAYERS = ("block1_conv2", "block2_conv2", "block3_conv3", "block4_conv3")
# Keras' VGG16 expects caffe-style input: BGR, 0..255, ImageNet mean removed.
IMAGENET_MEAN_BGR = (103.939, 116.779, 123.68)


class VGG16Features:
    def __init__(self, weights_path, image_size: int):
        weights_path = os.fspath(weights_path)
        if not os.path.isfile(weights_path):
            raise InputError(weights_path, "VGG16 weights file not found")
        try:
            vgg = keras.applications.VGG16(include_top=False, weights=weights_path, input_shape=(image_size, image_size, 3))
        except Exception as error:  # wrong file: name it in one line
            message = f"not Keras VGG16 weights without the top ({type(error).__name__}: {error})"
            raise InputError(weights_path, message.splitlines()[0])
        vgg.trainable = False
        self.network = keras.Model(vgg.input, [vgg.get_layer(name).output for name in VGG16_LAYERS])
        self.description = f"VGG16 {', '.join(VGG16_LAYERS)} from {weights_path}"

    def __call__(self, images) -> list:
        bgr = ops.flip((images + 1.0) * 127.5, axis=-1)  # [B, H, W, 3] in 0..255, BGR
        return self.network(bgr - ops.convert_to_tensor(IMAGENET_MEAN_BGR, bgr.dtype))


class DiscriminatorFeatures:
    def __init__(self, discriminator: keras.Model):
        discriminator.trainable = False
        self.discriminator = discriminator
        self.description = "the trained StyleGAN discriminator's block activations (no --vgg16_weights given)"

    def __call__(self, images) -> list:
        return self.discriminator.features(images)
