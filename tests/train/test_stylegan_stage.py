"""The `stylegan` stage through its CLI, on the smoke preset, a few steps at a time."""
import dataclasses
import json
import os
import shutil
import subprocess
import sys

import pytest


def train(*args, timeout=600, stage="stylegan"):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [sys.executable, "-m", "ears_tf.train", f"--stage={stage}", "--preset=smoke", "--jit=false", *args],
        capture_output=True, text=True, env=env, timeout=timeout,
    )


@pytest.fixture(scope="module")
def trained(smoke_data, trained_smoke, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("stylegan")
    # The FD's feature network is its own stage; the `--stage=all` workdir has trained one on this data.
    shutil.copytree(trained_smoke[1] / "feature_net", workdir / "feature_net")
    (workdir / "config.json").write_bytes((trained_smoke[1] / "config.json").read_bytes())
    result = train(f"--data={smoke_data}", f"--workdir={workdir}", "--steps=3", "--eval_every=2")
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir, result


def test_stage_writes_models_samples_and_metrics(trained):
    workdir, result = trained
    stage = workdir / "stylegan"
    for name in ("generator.keras", "discriminator.keras", "done.json", "samples/step_000002.png",
                 "samples/step_000003.png", "samples/step_000003_noise_off.png"):
        assert (stage / name).exists(), name
    lines = [json.loads(line) for line in (stage / "metrics.jsonl").read_text().splitlines()]
    assert [line["step"] for line in lines] == [2, 3]
    assert all(line["frechet_distance"] > 0 for line in lines)
    assert (workdir / "feature_net" / "feature_net.keras").exists()
    assert "stylegan 3/3" in result.stdout


def test_the_exported_generator_loads_and_generates(trained):
    import numpy as np

    import keras

    from ears_tf import config, models  # noqa: F401  (registers the classes for loading)

    workdir, _ = trained
    g = keras.saving.load_model(workdir / "stylegan" / "generator.keras")
    cfg = config.get_preset("smoke").model
    images = g(np.zeros((2, cfg.num_styles, cfg.latent_dim), np.float32), noise_mode="off")
    assert images.shape == (2, cfg.hr_size, cfg.hr_size, 3)


# Out of CI: the loop's resume is checked on an encoder stage and on two workers running this stage.
@pytest.mark.slow
def test_rerun_resumes_from_the_checkpoint(trained, smoke_data):
    workdir, _ = trained
    result = train(f"--data={smoke_data}", f"--workdir={workdir}", "--steps=4", "--eval_every=100")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "resuming at step 3" in result.stdout
    assert json.loads((workdir / "stylegan" / "done.json").read_text())["steps"] == 4


@pytest.mark.slow  # 75 s on 2 cores; CI runs a mirrored encoder stage (tests/train/test_encoder_stages.py)
def test_mirrored_strategy_on_two_logical_cpus(smoke_data, tmp_path):
    result = train(f"--data={smoke_data}", f"--workdir={tmp_path}", "--steps=2", "--eval_every=100",
                   "--strategy=mirrored", "--cpu_replicas=2")
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads((tmp_path / "stylegan" / "done.json").read_text())["steps"] == 2


def test_missing_data_is_one_line_and_exit_2(tmp_path):
    result = train(f"--data={tmp_path / 'nothing'}", f"--workdir={tmp_path / 'wd'}")
    assert result.returncode == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("error:")] == [
        f"error: {tmp_path / 'nothing'}: not a records folder (no manifest.json); "
        "make one with python -m ears_tf.data.synthetic"
    ]


def test_without_the_feature_network_the_fd_is_skipped_and_said_once(tmp_path, capsys):
    import tensorflow as tf

    from ears_tf import config
    from ears_tf.train.stylegan import StyleGANStage

    stage = StyleGANStage(config.get_preset("smoke"), data_dir=str(tmp_path / "unused"), workdir=str(tmp_path))
    stage.build(tf.distribute.get_strategy())
    writer = tf.summary.create_file_writer(str(tmp_path / "logs"))
    with writer.as_default():
        assert stage.evaluate(1, str(tmp_path / "stylegan"), writer) == {}
        assert stage.evaluate(2, str(tmp_path / "stylegan"), writer) == {}
    said = capsys.readouterr().out
    assert said.count("no Frechet distance") == 1
    assert f"{tmp_path / 'feature_net' / 'feature_net.keras'} is missing" in said
    assert (tmp_path / "stylegan" / "samples" / "step_000002_noise_off.png").exists()



def growing_stage(smoke_data, workdir, **options):
    import dataclasses

    from ears_tf import config
    from ears_tf.train.stylegan import StyleGANOptions, StyleGANStage

    smoke = config.get_preset("smoke")
    growth = config.GrowthSchedule(start_resolution=8, stable_images=4, fade_images=4)
    grown = dataclasses.replace(smoke, train=dataclasses.replace(smoke.train, stylegan_growth=growth)).validate()
    return StyleGANStage(grown, str(smoke_data), str(workdir), batch_size=4, options=StyleGANOptions(**options))


def test_progressive_growing_steps_train_only_the_layers_in_use(smoke_data, tmp_path):
    """8x8, 16x16 fading in and stable, then 32x32 fading in and alone; at 8x8 nothing above it changes."""
    import numpy as np
    import tensorflow as tf

    from ears_tf.train import budget

    stage = growing_stage(smoke_data, tmp_path)
    assert [stage.step_variant(step)["res_log2"] for step in range(6)] == [3, 4, 4, 5, 5, 5]
    stage.build(tf.distribute.get_strategy())
    variables = {v.path: v for v in stage.g_variables + stage.d_variables}
    before = {path: v.numpy().copy() for path, v in variables.items()}
    reals = tf.constant(np.random.default_rng(0).normal(size=(4, 32, 32, 3)).astype(np.float32))
    stage.replica_step(reals, r1=True, res_log2=3)
    changed = {path for path, value in before.items() if not np.allclose(value, variables[path].numpy())}
    assert {"to_rgb_ladder/to_rgb8/kernel", "from_rgb_ladder/from_rgb8/kernel", "discriminator/conv8/kernel"} <= changed
    untouched = {"generator/synthesis/to_rgb/kernel", "generator/synthesis/up_conv32/kernel", "discriminator/from_rgb/kernel",
                 "discriminator/conv32/kernel", "to_rgb_ladder/to_rgb16/kernel", "from_rgb_ladder/from_rgb16/kernel"}
    assert not untouched & changed
    # Samples are drawn at the current resolution (8x8 after one step) and upscaled to HR.
    samples = stage.sample(4)
    assert samples.shape == (4, 32, 32, 3)
    np.testing.assert_array_equal(samples[:, ::4, ::4], samples[:, 3::4, 3::4])
    # The progress line weighs steps by their cost: an 8x8 step is cheaper than a 32x32 one.
    assert 0 < stage.work(1) < stage.work(6) - stage.work(5)
    # Each step also carries a fixed cost, that of one step at the start resolution.
    start_step = budget.grown_stylegan_gflop(stage.config, 1, stage.batch_size)
    assert stage.work(1) == pytest.approx(2 * start_step)
    assert stage.work(6) - stage.work(5) == pytest.approx(
        budget.grown_stylegan_gflop(stage.config, 6, stage.batch_size)
        - budget.grown_stylegan_gflop(stage.config, 5, stage.batch_size) + start_step)


@pytest.mark.slow  # 34 s on 2 cores: one trace per resolution and R1 setting
def test_progressive_growing_runs_in_the_loop_to_the_full_resolution(smoke_data, tmp_path):
    from ears_tf.train import loop

    summary = loop.run(growing_stage(smoke_data, tmp_path, fd_samples=16),
                       loop.LoopOptions(workdir=str(tmp_path), steps=6, eval_every=2, jit_compile=False))
    assert summary["steps"] == 6
    samples = tmp_path / "stylegan" / "samples"
    assert {"step_000002.png", "step_000004.png", "step_000006_noise_off.png"} <= {p.name for p in samples.iterdir()}
    assert (tmp_path / "stylegan" / "generator.keras").exists()


@pytest.mark.slow  # 25 s on 2 cores: two stage runs
def test_a_fixed_resolution_checkpoint_resumed_with_growth_is_a_one_line_error(smoke_data, tmp_path):
    """Growing adds ladders the checkpoint lacks: refused before any step, naming the checkpoint."""
    from ears_tf import config
    from ears_tf.errors import InputError
    from ears_tf.train import loop
    from ears_tf.train.stylegan import StyleGANOptions, StyleGANStage

    options = loop.LoopOptions(workdir=str(tmp_path), steps=1, eval_every=100, jit_compile=False)
    fixed = StyleGANStage(config.get_preset("smoke"), str(smoke_data), str(tmp_path), batch_size=4,
                          options=StyleGANOptions(fd_samples=16))
    loop.run(fixed, options)
    with pytest.raises(InputError, match="ckpt-1.*does not match the stylegan stage"):
        loop.run(growing_stage(smoke_data, tmp_path, fd_samples=16), dataclasses.replace(options, steps=2))
