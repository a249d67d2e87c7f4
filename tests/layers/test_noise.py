import numpy as np

from ears_tf.layers import NoiseInjection
from tests.test_case import TestCase


class NoiseInjectionTest(TestCase):
    def test_contract(self):
        x = np.random.default_rng(0).normal(size=(2, 4, 4, 3)).astype(np.float32)
        self.run_layer_test(NoiseInjection, {"seed": 3}, x, (2, 4, 4, 3), 1, 1, call_kwargs={"noise_mode": "const"})

    def test_modes(self):
        layer = NoiseInjection(seed=1)
        x = np.zeros((2, 4, 4, 3), np.float32)
        layer.build(x.shape)
        layer.strength.assign(np.ones(3, np.float32))
        self.assertAllEqual(layer(x, noise_mode="off"), x)
        const = layer(x, noise_mode="const").numpy()
        self.assertAllClose(const, layer(x, noise_mode="const"))
        self.assertAllClose(const[0], const[1])  # one noise image for the batch
        self.assertAllClose(const[..., 0], const[..., 2])  # shared across channels
        random_a, random_b = layer(x).numpy(), layer(x).numpy()
        self.assertGreater(np.abs(random_a - random_b).max(), 0.1)
        with self.assertRaisesRegex(ValueError, "unknown noise_mode"):
            layer(x, noise_mode="loud")
