import dataclasses

import pytest

from ears_tf import config


@pytest.mark.parametrize("name", config.PRESET_NAMES)
def test_presets_validate_and_keep_the_16x_factor(name):
    cfg = config.get_preset(name)
    assert cfg.name == name
    assert cfg.model.hr_size == 16 * cfg.model.lr_size
    assert cfg.model.num_styles == 2 * cfg.model.hr_size.bit_length() - 4
    assert cfg.model.audio.num_frames == 257 and cfg.model.audio.num_bins == 257


def test_paper_preset_is_the_authors_configuration():
    cfg = config.get_preset("paper")
    model = cfg.model
    assert (model.hr_size, model.lr_size, model.latent_dim, model.num_styles) == (128, 8, 512, 12)
    assert (model.fmap_base, model.fmap_max, model.mapping_layers) == (8192, 512, 8)
    assert model.code_size == 6144
    assert (cfg.train.encoder_hr.steps, cfg.train.encoder_hr.batch_size) == (125_000, 256)
    assert (cfg.train.pretrain_lowres.steps, cfg.train.pretrain_audio.batch_size) == (45_000, 128)
    assert cfg.train.fusion.steps == 115_000 and cfg.train.learning_rate == 1e-4


def test_configs_are_frozen():
    cfg = config.get_preset("smoke")
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.model.hr_size = 64


@pytest.mark.parametrize(
    "change, message",
    [
        ({"hr_size": 48}, "hr_size must be a power of two"),
        ({"hr_size": 16}, "at least 2x2"),
        ({"latent_dim": 0}, "latent_dim must be a positive integer"),
        ({"el_filters": (4, 8)}, "el_filters must be three"),
        ({"mapping_lrmul": 0.0}, "mapping_lrmul"),
        ({"identity_classifier_filters": (64, 32)}, "identity_classifier_filters must be"),
        ({"sr_depth": 0}, "sr_depth must be a positive integer"),
        ({"gender_classifier_size": 24}, "gender_classifier_size must be a power of two"),
        ({"gender_classifier_size": 4}, "gender_classifier_size must be a power of two >= 8"),
    ],
)
def test_model_validation_names_the_field(change, message):
    model = dataclasses.replace(config.get_preset("smoke").model, **change)
    with pytest.raises(config.ConfigError, match=message):
        model.validate()


def test_data_and_train_validation():
    cfg = config.get_preset("smoke")
    with pytest.raises(config.ConfigError, match="data.speakers"):
        dataclasses.replace(cfg.data, speakers=1).validate()
    with pytest.raises(config.ConfigError, match="train.fusion.steps"):
        dataclasses.replace(cfg.train, fusion=config.StageBudget(steps=0, batch_size=2)).validate()
    with pytest.raises(config.ConfigError, match="train.encoder_hr.learning_rate"):
        dataclasses.replace(cfg.train, encoder_hr=config.StageBudget(2, 2, learning_rate=-1.0)).validate()
    with pytest.raises(config.ConfigError, match="train.fusion_consistency_weight"):
        dataclasses.replace(cfg.train, fusion_consistency_weight=-1.0).validate()
    with pytest.raises(config.ConfigError, match="train.identity_label_smoothing"):
        dataclasses.replace(cfg.train, identity_label_smoothing=1.0).validate()
    with pytest.raises(config.ConfigError, match="train.lr_consistency_operator must be one of clean, authors"):
        dataclasses.replace(cfg.train, lr_consistency_operator="bilinear").validate()


def test_paper_stages_all_use_the_papers_learning_rate():
    train = config.get_preset("paper").train
    for stage in ("encoder_hr", "pretrain_lowres", "pretrain_audio", "fusion"):
        assert getattr(train, stage).learning_rate is None  # falls back to 1e-4
    assert train.lowres_consistency_weight == 40.0 and train.fusion_consistency_weight == 1.0


def test_unknown_preset_lists_the_choices():
    with pytest.raises(config.ConfigError, match="paper, quickstart, smoke"):
        config.get_preset("huge")


def test_model_config_round_trips_through_its_dict_and_reads_old_dicts():
    model = config.get_preset("quickstart").model
    assert config.ModelConfig.from_dict(model.to_dict()) == model
    # A model saved before the evaluation's fields existed still loads, with their defaults.
    old = {k: v for k, v in model.to_dict().items()
           if k not in ("identity_classifier_filters", "gender_classifier_filters", "sr_filters", "sr_depth",
                        "gender_classifier_size")}
    assert config.ModelConfig.from_dict(old).hr_size == model.hr_size
