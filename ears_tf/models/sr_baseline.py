"""The 16x CNN super-resolution baseline of Table 2: LR [B, r, r, 3] -> [B, HR, HR, 3].

LapSRN-like (Lai et al. 2017): a feature branch and an image branch over log2(16) = 4
levels of 2x. At each level the features pass `sr_depth` 3x3 convs with leaky ReLU
and a 4x4 stride-2 transposed conv; a 3x3 conv turns them into a residual that is
added to the bilinearly upsampled image of the level below. Trained with L1.
"""
from __future__ import annotations

import math

import keras
from keras import ops

from ears_tf.config import SR_FACTOR, ModelConfig
from ears_tf.layers.constants import image_options

LEAKY_SLOPE = 0.2  # LapSRN's


@keras.saving.register_keras_serializable(package="ears_tf")
class SRBaseline(keras.Model):
    def __init__(self, model_config, **kwargs):
        super().__init__(**kwargs)
        self.model_config = ModelConfig.coerce(model_config)

    @property
    def levels(self) -> int:
        return int(math.log2(SR_FACTOR))

    def build(self, input_shape):
        cfg = self.model_config
        width = cfg.sr_filters
        shape = tuple(input_shape)
        self.stem = keras.layers.Conv2D(width, 3, padding="same", name="stem", **image_options(self))
        self.stem.build(shape)
        feature_shape = (shape[0], shape[1], shape[2], width)
        self.convs, self.ups, self.to_residual = [], [], []
        for level in range(self.levels):
            convs = []
            for j in range(cfg.sr_depth):
                conv = keras.layers.Conv2D(width, 3, padding="same", name=f"level{level}_conv{j}", **image_options(self))
                conv.build(feature_shape)
                convs.append(conv)
            up = keras.layers.Conv2DTranspose(width, 4, strides=2, padding="same", name=f"level{level}_up", **image_options(self))
            up.build(feature_shape)
            feature_shape = up.compute_output_shape(feature_shape)
            residual = keras.layers.Conv2D(3, 3, padding="same", name=f"level{level}_residual", **image_options(self))
            residual.build(feature_shape)
            self.convs.append(convs)
            self.ups.append(up)
            self.to_residual.append(residual)
        self.upsample = keras.layers.UpSampling2D(2, interpolation="bilinear", name="upsample", **image_options(self))

    def forward_macs(self, input_shape) -> int:
        """Multiply-adds per example of the convs, as `build` lays them out (bilinear upsampling left out)."""
        width, size = self.model_config.sr_filters, input_shape[1]
        macs = size * size * 9 * input_shape[3] * width  # stem
        for _ in range(self.levels):
            macs += self.model_config.sr_depth * size * size * 9 * width * width
            size *= 2
            macs += size * size * 16 * width * width // 4  # stride-2 transposed 4x4: each input pixel once
            macs += size * size * 9 * width * 3  # to the residual
        return macs

    def call(self, lr_images):
        features = ops.leaky_relu(self.stem(lr_images), LEAKY_SLOPE)  # [B, r, r, F]
        image = lr_images
        for level in range(self.levels):
            for conv in self.convs[level]:
                features = ops.leaky_relu(conv(features), LEAKY_SLOPE)
            features = ops.leaky_relu(self.ups[level](features), LEAKY_SLOPE)  # [B, 2h, 2w, F]
            image = self.upsample(image) + self.to_residual[level](features)  # [B, 2h, 2w, 3]
        return image  # [B, HR, HR, 3]

    def compute_output_shape(self, input_shape):
        size = self.model_config.hr_size
        return (input_shape[0], size, size, 3)

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "name": self.name,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy)}
