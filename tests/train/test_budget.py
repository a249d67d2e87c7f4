import dataclasses

import pytest

from ears_tf import config
from ears_tf.models import flops
from ears_tf.train import budget


def test_a_growing_stylegan_run_costs_each_step_at_its_resolution():
    quickstart = config.get_preset("quickstart")
    growth = config.GrowthSchedule(start_resolution=8, stable_images=32, fade_images=32)
    cfg = dataclasses.replace(quickstart, train=dataclasses.replace(quickstart.train, stylegan_growth=growth))
    at = lambda size: flops.training_step_flops(dataclasses.replace(cfg.model, hr_size=size)) / 1e9  # noqa: E731
    # Batch 16: two steps per stable or fading phase, 8 -> 16 -> 32 -> 64 by step 10.
    expected = 16 * (2 * at(8) + 4 * at(16) + 4 * at(32) + 2 * at(64))
    assert budget.run_gflop("stylegan", {}, cfg, steps=12, batch_size=16) == pytest.approx(expected)
    assert at(8) < at(16) < at(32) < at(64)


def test_the_quickstart_generator_costs_about_four_fifths_of_the_fixed_schedule():
    quickstart = config.get_preset("quickstart")
    fixed = dataclasses.replace(quickstart, train=dataclasses.replace(quickstart.train, stylegan_growth=None))
    steps, batch = quickstart.train.stylegan.steps, quickstart.train.stylegan.batch_size
    grown = budget.run_gflop("stylegan", {}, quickstart, steps, batch)
    full = budget.run_gflop("stylegan", {}, fixed, steps, batch)
    assert full == pytest.approx(steps * batch * flops.training_step_flops(quickstart.model) / 1e9)
    assert 0.78 < grown / full < 0.84  # 274.1 of 338.2 TFLOP


def test_the_paper_plan_builds_no_model(monkeypatch):
    """`--stage=all` plans from analytic counts: not one weight of the paper's 668M is created."""
    import keras

    from ears_tf import config
    from ears_tf.train import budget

    def no_weights(*args, **kwargs):
        raise AssertionError("a weight was created while planning")

    monkeypatch.setattr(keras.layers.Layer, "add_weight", no_weights)
    costs = budget.model_costs(config.get_preset("paper"), speakers=5994)
    assert costs["E_a"] > costs["E_l"] > 0 and costs["G"] > 30  # the paper G: 36.5 GFLOP
