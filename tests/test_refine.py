"""Test-time refinement (`ears_tf/refine.py`) on a smoke-width generator: it fits the LR frame,
the prior holds it, each example is its own, and it is a function of its inputs. Runs under
TensorFlow here and under JAX in `tests/backends/test_harness_on_jax.py`."""
import numpy as np
import pytest

from ears_tf import config
from ears_tf.config import ConfigError
from ears_tf.layers import AuthorsDownsample16x
from ears_tf.models import Generator
from ears_tf.refine import Refiner
from ears_tf.refine_options import RefineOptions


@pytest.fixture(scope="module")
def setting():
    """A generator, the LR frames of its faces at codes z_true, and priors 0.5 away from them."""
    import keras

    cfg = config.get_preset("smoke").model
    keras.utils.set_random_seed(0)
    generator = Generator(cfg)
    generator.build((None, cfg.num_styles, cfg.latent_dim))
    rng = np.random.default_rng(0)
    z_true = rng.normal(size=(3, cfg.num_styles, cfg.latent_dim)).astype(np.float32)
    downsample = AuthorsDownsample16x()
    lr = np.asarray(downsample(generator(z_true, noise_mode="off")))
    z_prior = z_true + 0.5 * rng.normal(size=z_true.shape).astype(np.float32)
    return generator, lr, z_prior


def refine(setting, **options):
    generator, lr, z_prior = setting
    z, terms = Refiner(generator, RefineOptions(**options))(z_prior, lr)
    return np.asarray(z), {name: np.asarray(value) for name, value in terms.items()}


def test_refinement_fits_the_lr_frame(setting):
    _, start = refine(setting, steps=0)
    z, end = refine(setting, steps=20, prior_weight=0.0, learning_rate=0.05)
    assert (start["consistency"] > 0).all() and (start["prior"] == 0).all()
    assert (end["consistency"] < 0.7 * start["consistency"]).all(), (start, end)
    assert np.isfinite(z).all() and (end["prior"] > 0).all()


def test_refinement_in_w_starts_at_the_mapped_code_and_fits_the_frame(setting):
    generator, lr, z_prior = setting
    w, start = refine(setting, steps=0, target="w")
    np.testing.assert_allclose(w, np.asarray(generator.map(z_prior)), atol=1e-5)
    assert (start["prior"] == 0).all()
    _, end = refine(setting, steps=20, prior_weight=0.0, learning_rate=0.05, target="w")
    assert (end["consistency"] < 0.7 * start["consistency"]).all(), (start, end)


def test_the_prior_weight_holds_the_code_near_the_model_s(setting):
    _, free = refine(setting, steps=10, prior_weight=0.0, learning_rate=0.05)
    _, held = refine(setting, steps=10, prior_weight=100.0, learning_rate=0.05)
    assert (held["prior"] < 0.5 * free["prior"]).all(), (free, held)


def test_refinement_is_a_function_of_its_inputs_example_by_example(setting):
    generator, lr, z_prior = setting
    refiner = Refiner(generator, RefineOptions(steps=5, learning_rate=0.05))
    together, _ = refiner(z_prior, lr)
    again, _ = refiner(z_prior, lr)
    alone, _ = Refiner(generator, RefineOptions(steps=5, learning_rate=0.05))(z_prior[1:2], lr[1:2])
    np.testing.assert_array_equal(np.asarray(together), np.asarray(again))
    np.testing.assert_allclose(np.asarray(together)[1:2], np.asarray(alone), atol=1e-4)


def test_the_trajectory_reads_one_search_as_the_refinements_of_each_step_count(setting):
    generator, lr, z_prior = setting
    options = RefineOptions(steps=6, learning_rate=0.05, target="w")
    along = {count: (np.asarray(code), terms) for count, code, terms in
             Refiner(generator, options).trajectory(z_prior, lr, [2, 6])}
    for count, (code, terms) in along.items():
        alone, alone_terms = Refiner(generator, RefineOptions(steps=count, learning_rate=0.05, target="w"))(z_prior, lr)
        np.testing.assert_allclose(code, np.asarray(alone), atol=1e-5)
        np.testing.assert_allclose(np.asarray(terms["consistency"]), np.asarray(alone_terms["consistency"]), atol=1e-6)
    assert not np.allclose(along[2][0], along[6][0])
    with pytest.raises(ConfigError, match="checkpoints must increase up to 6"):
        list(Refiner(generator, options).trajectory(z_prior, lr, [4, 2]))
