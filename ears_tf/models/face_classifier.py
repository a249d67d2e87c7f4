"""C_i and C_g: a CNN from HR faces [B, HR, HR, 3] to class logits [B, num_classes].

The paper fine-tunes VGG-Face; no face weights exist offline, so this is a VGG-style
network trained from scratch: a stride-2 3x3 stem conv, then per scale two 3x3 convs
with batch norm and ReLU and a 2x2 max pool, down to 4x4 (filters doubling from
`filters_base` up to `filters_max`), global average pooling, dropout and a dense
head. The same class serves identity (one class per training speaker) and gender (2);
`ModelConfig.identity_classifier_filters` and `gender_classifier_filters` size them.
With `input_size` below the face's size the network first box-averages the face down to
it: C_g reads gender at 32x32, where generated faces differ less from real ones
(`ModelConfig.gender_classifier_size`).
"""
from __future__ import annotations

import math

import keras
from keras import ops

from ears_tf.layers.constants import child_options, image_options

CONVS_PER_SCALE = 2
LAST_SCALE_SIZE = 4
DROPOUT = 0.3  # a dozen training faces per speaker at the quickstart preset


@keras.saving.register_keras_serializable(package="ears_tf")
class FaceClassifier(keras.Model):
    def __init__(self, num_classes: int, filters_base: int, filters_max: int, input_size: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.num_classes = num_classes
        self.filters_base = filters_base
        self.filters_max = filters_max
        self.input_size = input_size

    def build(self, input_shape):
        size = input_shape[1]
        self.to_input_size = None
        if self.input_size is not None and self.input_size < size:
            if size % self.input_size:
                raise ValueError(f"input_size {self.input_size} does not divide the faces' size {size}")
            self.to_input_size = keras.layers.AveragePooling2D(size // self.input_size, name="to_input_size", **image_options(self))
            size = self.input_size
            input_shape = (input_shape[0], size, size, input_shape[3])
        # The stem halves the size: full-resolution convs cost most and added little here.
        self.stem = keras.layers.Conv2D(self.filters_base, 3, strides=2, padding="same", use_bias=False, name="stem", **image_options(self))
        self.stem.build(tuple(input_shape))
        shape = self.stem.compute_output_shape(tuple(input_shape))
        self.stem_norm = keras.layers.BatchNormalization(name="stem_norm", **child_options(self))
        self.stem_norm.build(shape)
        self.scales = max(1, int(math.log2(size // LAST_SCALE_SIZE)) - 1)
        self.convs, self.norms = [], []
        for i in range(self.scales):
            width = min(self.filters_base * 2 ** i, self.filters_max)
            for j in range(CONVS_PER_SCALE):
                conv = keras.layers.Conv2D(width, 3, padding="same", use_bias=False, name=f"scale{i}_conv{j}", **image_options(self))
                conv.build(shape)
                shape = conv.compute_output_shape(shape)
                norm = keras.layers.BatchNormalization(name=f"scale{i}_norm{j}", **child_options(self))
                norm.build(shape)
                self.convs.append(conv)
                self.norms.append(norm)
        self.pool = keras.layers.MaxPooling2D(2, name="pool", **image_options(self))
        self.dropout = keras.layers.Dropout(DROPOUT, name="dropout", **child_options(self))
        self.head = keras.layers.Dense(self.num_classes, name="logits", **child_options(self))
        self.head.build((shape[0], shape[-1]))

    def forward_macs(self, input_shape) -> int:
        """Multiply-adds per example of the convs and the head, as `build` lays them out."""
        size = input_shape[1]
        if self.input_size is not None and self.input_size < size:
            size = self.input_size
        scales = max(1, int(math.log2(size // LAST_SCALE_SIZE)) - 1)
        size = -(-size // 2)  # the stride-2 stem
        macs = size * size * 9 * input_shape[3] * self.filters_base
        channels = self.filters_base
        for i in range(scales):
            width = min(self.filters_base * 2 ** i, self.filters_max)
            for _ in range(CONVS_PER_SCALE):
                macs += size * size * 9 * channels * width
                channels = width
            size //= 2
        return macs + channels * self.num_classes

    def features(self, images, training=False):
        """[B, HR, HR, 3] in [-1, 1] -> pooled features [B, C]."""
        if self.to_input_size is not None:
            images = self.to_input_size(images)  # [B, input_size, input_size, 3]
        x = ops.relu(self.stem_norm(self.stem(images), training=training))  # [B, HR / 2, HR / 2, F]
        for i in range(self.scales):
            for j in range(CONVS_PER_SCALE):
                index = i * CONVS_PER_SCALE + j
                x = ops.relu(self.norms[index](self.convs[index](x), training=training))
            x = self.pool(x)  # [B, H / 2, W / 2, C]
        # Pooled: a flattened 4x4 map fit the training videos' poses and generalised worse
        # to held-out videos (quickstart C_i 0.48 against 0.57).
        return ops.mean(x, axis=(1, 2))  # [B, C]

    def call(self, images, training=False):
        return self.head(self.dropout(self.features(images, training), training=training))  # [B, num_classes]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_classes)

    def get_config(self):
        return {"num_classes": self.num_classes, "filters_base": self.filters_base, "filters_max": self.filters_max,
                "input_size": self.input_size, "name": self.name,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy)}
