"""The stage registry: one entry per stage, read by the CLI and `--stage=all`."""
import importlib
import os

import pytest

from ears_tf import config, variants
from ears_tf.errors import InputError
from ears_tf.train import loop, registry
from ears_tf.workdir import layout


def test_every_entry_point_is_a_stage_class():
    for entry in registry.STAGES:
        module, name = entry.entry_point.split(":")
        assert issubclass(getattr(importlib.import_module(module), name), loop.Stage), entry.name


def test_every_requirement_is_made_by_an_earlier_stage():
    made = set()
    for entry in registry.STAGES:
        assert set(entry.requirements()) <= made, entry.name
        made |= set(entry.makes)
    assert layout.FEATURE_NET in made


def test_all_runs_every_fusion_variant_in_its_own_folder():
    fusion_runs = [run.run_name for run in registry.ALL_RUNS if run.entry.name == "fusion"]
    assert fusion_runs == [f"fusion/{v.name}" for v in variants.FUSED]
    assert registry.ALL_RUNS[0].run_name == "feature_net"


def test_each_stage_class_takes_its_folder_and_budget_from_its_one_entry():
    from ears_tf.train.fusion import FusionStage
    from ears_tf.train.stylegan import StyleGANStage

    for entry in registry.STAGES:
        module, name = entry.entry_point.split(":")
        assert registry.entry_for(getattr(importlib.import_module(module), name)) is entry
    smoke = config.get_preset("smoke")
    stylegan = StyleGANStage(smoke, data_dir="", workdir="")
    assert stylegan.name == "stylegan" and stylegan.budget() == smoke.train.stylegan
    assert stylegan.batch_size == smoke.train.stylegan.batch_size
    for run in registry.runs(registry.get("fusion")):
        stage = FusionStage(smoke, "", "", variant=run.variant)
        assert stage.name == run.run_name == layout.fusion_artefacts(run.variant)[0].stage_dir
        assert stage.budget() == smoke.train.fusion

    class Unregistered(loop.Stage):
        pass

    try:
        registry.entry_for(Unregistered)
    except ValueError as error:
        assert "not a registered stage" in str(error)
    else:
        raise AssertionError("an unregistered class found an entry")


def test_encoder_hr_needs_the_discriminator_only_without_vgg16(tmp_path):
    entry = registry.get("encoder_hr")
    assert layout.DISCRIMINATOR in entry.requirements(vgg16_weights=None)
    assert layout.DISCRIMINATOR not in entry.requirements(vgg16_weights="vgg16.h5")
    generator = layout.GENERATOR.path(tmp_path)
    os.makedirs(os.path.dirname(generator))
    open(generator, "wb").close()  # only its presence is checked before the stage builds
    run = registry.runs(entry)[0]
    smoke = config.get_preset("smoke")
    stage = registry.make_stage(run, smoke, "", tmp_path, vgg16_weights="vgg16.h5")
    assert stage.name == "encoder_hr"
    with pytest.raises(InputError, match="discriminator.keras: missing; run python -m ears_tf.train --stage=stylegan"):
        registry.make_stage(run, smoke, "", tmp_path)


def test_every_budget_field_is_one_registered_stage_s_budget():
    named = [entry.budget for entry in registry.STAGES if ":" not in entry.budget]
    assert sorted(named) == sorted(config.TrainConfig.budget_fields())
    assert len(set(named)) == len(named)


def test_budgets_come_from_the_preset():
    smoke = config.get_preset("smoke")
    run = registry.runs(registry.get("stylegan"))[0]
    assert registry.default_steps(run, smoke, data_dir=None) == smoke.train.stylegan.steps


def test_the_cli_offers_exactly_the_registered_stages():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "ears_tf.train", "--stage=bogus", "--data=d", "--workdir=w"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert f"<{'|'.join(registry.STAGE_NAMES + ('all',))}>" in result.stderr
    result = subprocess.run([sys.executable, "-m", "ears_tf.train", "--stage=fusion", "--fusion=f9", "--data=d",
                             "--workdir=w"], capture_output=True, text=True)
    assert f"<{'|'.join(variants.FUSED_NAMES)}>" in result.stderr


def test_the_design_doc_lists_the_registered_stages_in_order():
    import pathlib
    import re

    text = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "design.md").read_text()
    section = text[text.index("## 7. Stages"):text.index("## 8.")]
    rows = [name for name in re.findall(r"^\| ([a-z_]+) \|", section, re.M) if name != "stage"]  # not the header
    assert tuple(rows) == registry.STAGE_NAMES
