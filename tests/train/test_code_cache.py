"""Frozen encoders' codes of the training faces, computed once and looked up by the face's key."""
import dataclasses

import numpy as np
import pytest
import tensorflow as tf

from ears_tf.data import pipeline, records
from ears_tf.train.code_cache import CodeCache, build_code_cache
from ears_tf.train.fusion import FusionStage
from ears_tf.train.model_stage import ModelStageOptions
from ears_tf.train.pretrain_audio import PretrainAudioStage
from ears_tf.train.pretrain_lowres import PretrainLowresStage

CODE_SHAPE = (2, 3)


def colour_code(hr):
    """A code that differs from face to face: per-row mean colours, [B, 2, 3]."""
    halves = tf.split(hr, 2, axis=1)
    return tf.stack([tf.reduce_mean(half, axis=[1, 2]) for half in halves], axis=1)


def training_batches(data, split, count=3, **kwargs):
    options = pipeline.PipelineOptions(batch_size=4, training=True, seed=5, **kwargs)
    return list(pipeline.make_dataset(data, split, options).take(count))


def test_lookup_gives_the_code_of_each_face_of_a_shuffled_training_batch(smoke_data, smoke_config):
    cache = build_code_cache(smoke_data, ("d1",), colour_code, CODE_SHAPE, smoke_config.model.hr_size, 2**20)
    assert cache.size == records.Manifest.load(smoke_data).splits["d1"].count
    for batch in training_batches(smoke_data, "d1"):
        np.testing.assert_allclose(cache.lookup(batch["key"]).numpy(), colour_code(batch["hr"]).numpy(), atol=1e-6)


def test_a_face_read_twice_is_stored_once(smoke_data, smoke_config):
    cache = build_code_cache(smoke_data, ("d1", "d1"), colour_code, CODE_SHAPE, smoke_config.model.hr_size, 2**20)
    assert cache.size == records.Manifest.load(smoke_data).splits["d1"].count


def test_no_cache_when_the_codes_exceed_the_budget(smoke_data, smoke_config):
    count = records.Manifest.load(smoke_data).splits["d1"].count
    needed = count * 2 * 3 * 4
    assert build_code_cache(smoke_data, ("d1",), colour_code, CODE_SHAPE, smoke_config.model.hr_size, needed - 1) is None
    assert build_code_cache(smoke_data, ("d1",), colour_code, CODE_SHAPE, smoke_config.model.hr_size, needed) is not None


def test_a_key_not_in_the_cache_is_an_error():
    cache = CodeCache(np.array([3, 8]), np.arange(4, dtype=np.float32).reshape(2, 2))
    np.testing.assert_array_equal(cache.lookup(tf.constant([8, 3])).numpy(), [[2, 3], [0, 1]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the code cache"):
        cache.lookup(tf.constant([5]))


def test_lookup_runs_in_the_input_pipeline():
    # The stage's input pipeline adds the codes to each batch, on every backend; an unknown key stops it.
    keys = np.array([2**62, 3, -7, 8])
    cache = CodeCache(keys, np.arange(8, dtype=np.float32).reshape(4, 2))
    known = tf.data.Dataset.from_tensors(tf.constant([8, -7, 2**62, 3], tf.int64)).map(cache.lookup)
    np.testing.assert_array_equal(next(iter(known)).numpy(), [[6, 7], [4, 5], [0, 1], [2, 3]])
    unknown = tf.data.Dataset.from_tensors(tf.constant([3, 5], tf.int64)).map(cache.lookup)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not in the code cache"):
        next(iter(unknown))


@pytest.mark.parametrize("stage_class", [PretrainLowresStage, PretrainAudioStage, FusionStage])
def test_stage_targets_from_the_cache_equal_those_computed_per_step(trained_smoke, stage_class):
    data, workdir, _ = trained_smoke
    from ears_tf import config

    smoke = config.get_preset("smoke")
    strategy = tf.distribute.get_strategy()
    cached = stage_class(smoke, data, workdir)
    per_step = stage_class(smoke, data, workdir,
                           options=dataclasses.replace(ModelStageOptions(), code_cache_bytes=0))
    cached.build(strategy)
    per_step.build(strategy)
    per_step.encoder_hr.set_weights(cached.encoder_hr.get_weights())
    batch = next(iter(cached.dataset(seed=1)))
    expected = per_step.target_code(batch).numpy()
    assert np.abs(expected).max() > 0
    np.testing.assert_allclose(cached.target_code(batch).numpy(), expected, atol=1e-5)


@pytest.mark.parametrize("stage_class", [  # 20 s each on 2 cores: the fusion stage's step holds the others' parts
    pytest.param(PretrainLowresStage, marks=pytest.mark.slow), pytest.param(PretrainAudioStage, marks=pytest.mark.slow),
    FusionStage])
def test_a_step_on_cached_targets_compiles_with_xla(trained_smoke, stage_class):
    # --jit=true (the default on a GPU) compiles each stage's step, cache lookup and batch included.
    data, workdir, _ = trained_smoke
    from ears_tf import config

    stage = stage_class(config.get_preset("smoke"), data, workdir)
    stage.build(tf.distribute.get_strategy())
    batch = next(iter(stage.dataset(seed=1)))
    terms = tf.function(stage.replica_step, jit_compile=True)(batch)
    assert np.isfinite(float(terms["loss"])) and float(terms["loss"]) > 0
