"""NoiseInjection: per-pixel Gaussian noise scaled by a learned per-channel strength.

`noise_mode` at call time: "random" (training), "const" (a fixed noise image stored
with the layer, for reproducible samples) or "off" (the authors' inference).
"""
import keras

from ears_tf.layers.shapes import batch_size

NOISE_MODES = ("random", "const", "off")


@keras.saving.register_keras_serializable(package="ears_tf")
class NoiseInjection(keras.layers.Layer):
    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed

    def build(self, input_shape):
        _, height, width, channels = input_shape
        self.strength = self.add_weight(name="strength", shape=(channels,), initializer="zeros")
        self.const_noise = self.add_weight(
            name="const_noise", shape=(1, height, width, 1),
            initializer=keras.initializers.RandomNormal(0.0, 1.0, seed=self.seed), trainable=False,
        )
        self._seed_generator = keras.random.SeedGenerator(self.seed)

    def call(self, x, noise_mode: str = "random"):
        if noise_mode == "off":
            return x
        if noise_mode == "const":
            noise = self.const_noise
        elif noise_mode == "random":
            # The seed generator's state is a non-trainable variable: `stateless_call` returns it advanced.
            noise = keras.random.normal((batch_size(x), x.shape[1], x.shape[2], 1), seed=self._seed_generator,
                                        dtype=x.dtype)
        else:
            raise ValueError(f"unknown noise_mode {noise_mode!r}; choose one of {', '.join(NOISE_MODES)}")
        return x + noise * self.strength

    def get_config(self):
        config = super().get_config()
        config.update({"seed": self.seed})
        return config
