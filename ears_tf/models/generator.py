"""The StyleGAN (v1) generator: mapping network + synthesis network, NHWC.

Latents are per-layer codes z [B, k, D] (k = 2 log2(res) - 2); each row goes through
the mapping network to its own w, as the authors' inference does. A plain z [B, D]
is broadcast to every layer. At the paper preset the trainable-parameter counts are
those of the authors' G_style at 128: mapping 2,101,248, synthesis 23,735,683.
"""
from __future__ import annotations

import keras
from keras import ops

from ears_tf.config import ModelConfig
from ears_tf.layers import (
    Bias, Blur2D, ConstantInput, EqualizedConv2D, EqualizedDense, FusedUpscaleConv2D, InstanceNorm,
    NoiseInjection, PixelNorm, StyleMod, Upscale2D,
)
from ears_tf.layers.constants import child_options

LEAKY_SLOPE = 0.2
W_AVG_BETA = 0.995  # StyleGAN's dlatent_avg_beta
# StyleGAN fuses upscale + conv into a transposed conv from this output size up.
FUSED_SCALE_MIN_RESOLUTION = 128


def moved_w_avg(w_avg, w):
    """w_avg [D] moved towards the mean of w [..., D]: the value `update_w_avg` assigns, as a
    pure function for steps that return their state (JAX's)."""
    batch_mean = ops.mean(ops.reshape(ops.cast(w, "float32"), (-1, w.shape[-1])), axis=0)
    return batch_mean + (ops.convert_to_tensor(w_avg) - batch_mean) * W_AVG_BETA


@keras.saving.register_keras_serializable(package="ears_tf")
class MappingNetwork(keras.layers.Layer):
    """z [..., D] -> w [..., D]: pixel norm, then `num_layers` dense + leaky ReLU (lrmul)."""

    def __init__(self, latent_dim: int, num_layers: int, lrmul: float, **kwargs):
        super().__init__(**kwargs)
        self.latent_dim = latent_dim
        self.num_layers = num_layers
        self.lrmul = lrmul

    def build(self, input_shape):
        self.norm = PixelNorm(name="pixel_norm", **child_options(self))
        self.dense = [EqualizedDense(self.latent_dim, lrmul=self.lrmul, name=f"dense{i}", **child_options(self))
                      for i in range(self.num_layers)]
        shape = tuple(input_shape)
        for layer in self.dense:
            layer.build(shape)
            shape = shape[:-1] + (self.latent_dim,)

    def call(self, z):
        x = self.norm(z)
        for layer in self.dense:
            x = ops.leaky_relu(layer(x), LEAKY_SLOPE)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.latent_dim,)

    def get_config(self):
        config = super().get_config()
        config.update({"latent_dim": self.latent_dim, "num_layers": self.num_layers, "lrmul": self.lrmul})
        return config


@keras.saving.register_keras_serializable(package="ears_tf")
class LayerEpilogue(keras.layers.Layer):
    """noise -> bias -> leaky ReLU -> instance norm -> style modulation (StyleGAN's layer_epilogue)."""

    def __init__(self, noise_seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.noise_seed = noise_seed

    def build(self, x_shape, w_shape):
        self.noise = NoiseInjection(seed=self.noise_seed, name="noise", **child_options(self))
        self.noise.build(x_shape)
        self.bias = Bias(name="bias", **child_options(self))
        self.bias.build(x_shape)
        self.norm = InstanceNorm(name="instance_norm", **child_options(self))
        self.style = StyleMod(name="style", **child_options(self))
        self.style.build(x_shape, w_shape)

    def call(self, x, w, noise_mode="random"):
        x = self.bias(self.noise(x, noise_mode=noise_mode))
        return self.style(self.norm(ops.leaky_relu(x, LEAKY_SLOPE)), w)

    def compute_output_shape(self, x_shape, w_shape):
        return x_shape

    def get_config(self):
        config = super().get_config()
        config.update({"noise_seed": self.noise_seed})
        return config


@keras.saving.register_keras_serializable(package="ears_tf")
class SynthesisNetwork(keras.layers.Layer):
    """w [B, k, D] -> image [B, HR, HR, 3], from a learned 4x4 constant."""

    def __init__(self, model_config, **kwargs):
        super().__init__(**kwargs)
        self.model_config = ModelConfig.coerce(model_config)

    def build(self, w_shape):
        cfg = self.model_config
        batch, _, dim = w_shape
        w_row = (batch, dim)
        res_log2 = cfg.resolution_log2
        self.const = ConstantInput(cfg.fmaps(1), name="const", **child_options(self))
        self.const.build(w_row)
        self.epilogues = []
        size, channels = 4, cfg.fmaps(1)
        self.epilogues.append(LayerEpilogue(noise_seed=0, name="epilogue0", **child_options(self)))
        self.epilogues[-1].build((batch, size, size, channels), w_row)
        self.conv4 = EqualizedConv2D(cfg.fmaps(1), 3, use_bias=False, name="conv4x4", **child_options(self))
        self.conv4.build((batch, size, size, channels))
        self.epilogues.append(LayerEpilogue(noise_seed=1, name="epilogue1", **child_options(self)))
        self.epilogues[-1].build((batch, size, size, channels), w_row)
        self.blocks = []
        for res in range(3, res_log2 + 1):
            out = cfg.fmaps(res - 1)
            new_size = 2 * size
            if new_size >= FUSED_SCALE_MIN_RESOLUTION:
                up = [FusedUpscaleConv2D(out, name=f"up_conv{new_size}", **child_options(self))]
            else:
                up = [Upscale2D(name=f"upscale{new_size}", **child_options(self)),
                      EqualizedConv2D(out, 3, use_bias=False, name=f"up_conv{new_size}", **child_options(self))]
            shape = (batch, size, size, channels)
            for layer in up:
                layer.build(shape)
                shape = layer.compute_output_shape(shape)
            blur = Blur2D(name=f"blur{new_size}", **child_options(self))
            blur.build(shape)
            epi0 = LayerEpilogue(noise_seed=2 * res - 4, name=f"epilogue{2 * res - 4}", **child_options(self))
            epi0.build(shape, w_row)
            conv = EqualizedConv2D(out, 3, use_bias=False, name=f"conv{new_size}", **child_options(self))
            conv.build(shape)
            epi1 = LayerEpilogue(noise_seed=2 * res - 3, name=f"epilogue{2 * res - 3}", **child_options(self))
            epi1.build(shape, w_row)
            self.blocks.append((up, blur, epi0, conv, epi1))
            size, channels = new_size, out
        self.to_rgb = EqualizedConv2D(3, 1, gain=1.0, use_bias=True, name="to_rgb", **child_options(self))
        self.to_rgb.build((batch, size, size, channels))

    def layer_outputs(self, w, noise_mode="random", res_log2: int | None = None) -> list:
        """The layers' outputs (after each epilogue), lowest resolution first: [B, R, R, nf] each.

        All k by default; up to resolution 2**res_log2 only when given (progressive growing).
        """
        x = self.const(w)  # [B, 4, 4, nf(1)]
        outputs = [self.epilogues[0](x, w[:, 0], noise_mode=noise_mode)]
        outputs.append(self.epilogues[1](self.conv4(outputs[-1]), w[:, 1], noise_mode=noise_mode))
        blocks = self.blocks if res_log2 is None else self.blocks[:res_log2 - 2]
        for index, (up, blur, epi0, conv, epi1) in enumerate(blocks):
            x = outputs[-1]
            for layer in up:
                x = layer(x)  # [B, 2H, 2W, nf(res - 1)]
            outputs.append(epi0(blur(x), w[:, 2 * index + 2], noise_mode=noise_mode))
            outputs.append(epi1(conv(outputs[-1]), w[:, 2 * index + 3], noise_mode=noise_mode))
        return outputs

    def call(self, w, noise_mode="random"):
        return self.to_rgb(self.layer_outputs(w, noise_mode)[-1])  # [B, HR, HR, 3]

    def compute_output_shape(self, w_shape):
        return (w_shape[0], self.model_config.hr_size, self.model_config.hr_size, 3)

    def get_config(self):
        config = super().get_config()
        config.update({"model_config": self.model_config.to_dict()})
        return config


@keras.saving.register_keras_serializable(package="ears_tf")
class Generator(keras.Model):
    """G: z [B, k, D] or [B, D] -> image [B, HR, HR, 3] in about [-1, 1].

    `w_avg` (the running mean of w, non-trainable) anchors truncation:
    w' = w_avg + psi (w - w_avg) on the first `truncation_cutoff` layers.
    """

    def __init__(self, model_config, **kwargs):
        super().__init__(**kwargs)
        self.model_config = ModelConfig.coerce(model_config)
        cfg = self.model_config
        self.num_styles = cfg.num_styles
        self.mapping = MappingNetwork(cfg.latent_dim, cfg.mapping_layers, cfg.mapping_lrmul, name="mapping",
                                      **child_options(self))
        self.synthesis = SynthesisNetwork(cfg, name="synthesis", **child_options(self))

    def build(self, z_shape):
        batch, dim = z_shape[0], z_shape[-1]
        self.mapping.build((batch, self.num_styles, dim))
        self.synthesis.build((batch, self.num_styles, dim))
        self.w_avg = self.add_weight(name="w_avg", shape=(dim,), initializer="zeros", trainable=False)

    def per_layer(self, z):
        """[B, D] -> [B, k, D]; [B, k, D] unchanged."""
        if len(z.shape) == 2:
            return ops.repeat(z[:, None, :], self.num_styles, axis=1)
        return z

    def map(self, z):
        return self.mapping(self.per_layer(z))  # [B, k, D]

    def truncate(self, w, psi: float, cutoff: int | None = None):
        cutoff = self.num_styles if cutoff is None else cutoff
        layer_psi = ops.convert_to_tensor([psi if i < cutoff else 1.0 for i in range(self.num_styles)], w.dtype)
        return self.w_avg + (w - self.w_avg) * layer_psi[None, :, None]

    def update_w_avg(self, w):
        """Moves w_avg towards the mean of w [..., D] (training only)."""
        self.w_avg.assign(moved_w_avg(self.w_avg, w))

    def call(self, z, truncation_psi: float | None = None, truncation_cutoff: int | None = None,
             noise_mode: str = "random"):
        w = self.map(z)
        if truncation_psi is not None:
            w = self.truncate(w, truncation_psi, truncation_cutoff)
        return ops.cast(self.synthesis(w, noise_mode=noise_mode), "float32")  # float32 at the boundary

    def get_config(self):
        return {"model_config": self.model_config.to_dict(), "name": self.name,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy)}
