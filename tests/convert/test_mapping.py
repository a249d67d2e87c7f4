"""The mapping table: every variable of ours exactly once, every name of theirs a real one."""
import pytest

from ears_tf.config import get_preset
from ears_tf.convert import mapping
from ears_tf.convert.convert import _build_models, _our_variables
from tests.convert.authors_format import checkpoint_shapes


@pytest.fixture(scope="module", params=["mini", "quickstart_128"])
def config(request, mini_config):
    if request.param == "mini":
        return mini_config
    import dataclasses

    # Another shape of the same structure: wider latents, more mapping layers.
    return dataclasses.replace(mini_config, latent_dim=32, mapping_layers=4, fmap_base=512, fmap_max=32)


def test_every_variable_of_ours_once(config):
    models = _build_models(config)
    ours = {(name, path) for name in mapping.MODELS for path in _our_variables(models[name])}
    assigned = [(a.model, a.ours) for a in mapping.expand(config, with_snapshot=True)]
    assert len(assigned) == len(set(assigned))
    assert set(assigned) == ours
    without = {(a.model, a.ours) for a in mapping.expand(config, with_snapshot=False)}
    assert ours - without == {("generator", "w_avg")} | {
        ("generator", f"synthesis/epilogue{j}/noise/const_noise") for j in range(config.num_styles)}


def test_every_name_of_theirs_exists_and_the_rest_is_listed(config):
    shapes = checkpoint_shapes(config)
    used = {a.theirs for a in mapping.expand(config, with_snapshot=False)}
    assert used <= set(shapes)
    rest = set(shapes) - used
    assert all(mapping.unused_reason(name) for name in rest), sorted(n for n in rest if not mapping.unused_reason(n))
    # Nothing of the generator the authors' inference runs is left out, but its lower-resolution outputs.
    assert {n for n in rest if n.startswith("G_synthesis_2/")} == {
        n for n in shapes if n.startswith("G_synthesis_2/ToRGB_lod") and not n.startswith("G_synthesis_2/ToRGB_lod0/")}


def test_layouts():
    import numpy as np

    const = np.arange(1 * 5 * 4 * 4, dtype=np.float32).reshape(1, 5, 4, 4)  # [1, C, H, W]
    ours = mapping.to_ours(const, mapping.NCHW)
    assert ours.shape == (1, 4, 4, 5) and ours[0, 1, 2, 3] == const[0, 3, 1, 2]
    assert mapping.to_theirs_shape(ours.shape, mapping.NCHW) == const.shape
    assert mapping.to_ours(const, mapping.SAME) is const
    assert all(rule.why for rule in mapping.RULES) and all(why for _, why in mapping.UNUSED)


def test_paper_preset_rules_cover_the_paper_model():
    cfg = get_preset("paper").model
    shapes = checkpoint_shapes(cfg)
    assert {a.theirs for a in mapping.expand(cfg, with_snapshot=False)} <= set(shapes)
