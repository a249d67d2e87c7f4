"""Image front end: the 16x downsampling of docs/design.md section 3, in graph.

`make_lr_image` is the one function that makes LR inputs for training,
evaluation, inference and export. Mode `authors` reproduces, bit for bit, what
the authors' code did with `scipy.misc.imresize(img, (8, 8), interp='bicubic')`
on float images: scipy's `bytescale` stretched each image to span 0..255 and
rounded to uint8, then Pillow's 8-bit bicubic filter resized it. Pillow's
fixed-point arithmetic is reproduced here with float64 matrix products, which
are exact for these integer sizes (every partial sum stays below 2**53).
"""
from __future__ import annotations

import tensorflow as tf

from ears_tf import resampling
from ears_tf.config import SR_FACTOR
from ears_tf.layers.bicubic_downsample import bicubic_resize

MODES = ("authors", "clean")
_ONE_HALF = float(1 << (resampling.PRECISION_BITS - 1))
_ONE = float(1 << resampling.PRECISION_BITS)


def to_unit_range(images_uint8):
    """uint8 [0, 255] -> float32 [-1, 1]."""
    return tf.cast(images_uint8, tf.float32) / 127.5 - 1.0


def to_uint8(images):
    """float [-1, 1] -> uint8, rounding to nearest (for PNG files and previews)."""
    images = tf.clip_by_value((tf.convert_to_tensor(images, tf.float32) + 1.0) * 127.5, 0.0, 255.0)
    return tf.cast(tf.round(images), tf.uint8)


def _as_batch(images):
    images = tf.convert_to_tensor(images)
    if images.dtype != tf.uint8:
        raise TypeError(f"expected uint8 images, got {images.dtype.name}")
    if images.shape.rank == 3:
        return images[tf.newaxis], True
    if images.shape.rank == 4:
        return images, False
    raise ValueError(f"expected [H, W, 3] or [B, H, W, 3] images, got shape {images.shape}")


def _pillow_pass(values, matrix, spec):
    """One axis of Pillow's 8-bit resize: fixed-point products, then round and clip8."""
    acc = tf.einsum(spec, values, tf.constant(matrix, tf.float64)) + _ONE_HALF
    # Pillow shifts right (floor division by 2**22) and clips to 0..255.
    return tf.clip_by_value(tf.floor(acc / _ONE), 0.0, 255.0)


def _pillow_resize_8bit(values, height: int, width: int):
    """Bit-exact Pillow BICUBIC resize of integer-valued float64 NHWC images."""
    in_height, in_width = values.shape[1], values.shape[2]
    if in_width != width:
        values = _pillow_pass(values, resampling.bicubic_matrix_8bit(in_width, width), "bhwc,ow->bhoc")
    if in_height != height:
        values = _pillow_pass(values, resampling.bicubic_matrix_8bit(in_height, height), "bhwc,oh->bowc")
    return values


def _bytescale(images_uint8):
    """scipy.misc.bytescale of the authors' float32 image: per image (x - min) * 255 / (max - min),
    + 0.5, truncated. In float32 as they ran it, so exact half-way levels round as float32
    arithmetic makes them (127.49998, not 127.5, for some contrast ranges)."""
    # Their image is k * float32(1 / 255) (convert_image_dtype's product, not a division:
    # 204 gives 0.8000001, not 0.8); the half-way levels depend on that last bit.
    values = tf.cast(images_uint8, tf.float32) * tf.constant(1.0 / 255.0, tf.float32)
    low = tf.reduce_min(values, axis=[1, 2, 3], keepdims=True)
    high = tf.reduce_max(values, axis=[1, 2, 3], keepdims=True)
    span = high - low
    # scipy: float(255) / span in float64, then the float32 array times it in float32.
    scale = tf.cast(255.0 / tf.cast(tf.where(span == 0.0, tf.ones_like(span), span), tf.float64), tf.float32)
    return tf.cast(tf.floor(tf.clip_by_value((values - low) * scale, 0.0, 255.0) + 0.5), tf.float64)


def resize_uint8(images, size: int):
    """Bit-exact PIL `Image.resize((size, size), BICUBIC)` of uint8 images, in graph."""
    batch, squeeze = _as_batch(images)
    out = _pillow_resize_8bit(tf.cast(batch, tf.float64), size, size)
    out = tf.cast(out, tf.uint8)
    return out[0] if squeeze else out


def make_lr_image(images, mode: str = "authors", hr_size: int | None = None):
    """uint8 [H, W, 3] or [B, H, W, 3] faces -> float32 LR images in [-1, 1]: the model's LR input
    as the records, inference and export make it (not differentiable; the training losses'
    D is `layers.BicubicDownsample16x`).

    The LR side is `hr_size // 16`. Images of another size than `hr_size` are first
    resized to it (Pillow bicubic); without `hr_size` the input must be square with
    a side divisible by 16.
    """
    if mode not in MODES:
        raise ValueError(f"unknown downsampling mode {mode!r}; choose one of {', '.join(MODES)}")
    batch, squeeze = _as_batch(images)
    height, width = batch.shape[1], batch.shape[2]
    if hr_size is None:
        if height is None or height != width or height % SR_FACTOR:
            raise ValueError(
                f"make_lr_image needs square images with a side divisible by {SR_FACTOR} "
                f"(or hr_size=...), got {height}x{width}"
            )
        hr_size = height
    elif (height, width) != (hr_size, hr_size):
        batch = resize_uint8(batch, hr_size)
    lr_size = hr_size // SR_FACTOR

    if mode == "authors":
        levels = _pillow_resize_8bit(_bytescale(batch), lr_size, lr_size)  # integers 0..255, float64
        out = tf.cast(levels, tf.float32) / 255.0 * 2.0 - 1.0
    else:
        out = tf.clip_by_value(bicubic_resize(to_unit_range(batch), lr_size, lr_size), -1.0, 1.0)
    return out[0] if squeeze else out


def bicubic_upsample(lr_images, size: int):
    """[B, r, r, 3] -> [B, size, size, 3] bicubic, clipped to [-1, 1] (Table 2's bicubic row)."""
    return tf.clip_by_value(tf.image.resize(lr_images, (size, size), method="bicubic"), -1.0, 1.0)
