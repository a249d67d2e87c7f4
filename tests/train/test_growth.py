import dataclasses

import pytest

from ears_tf import config
from ears_tf.config import ConfigError, GrowthSchedule
from ears_tf.train.growth import alpha


def test_resolutions_and_fades_follow_stylegan_v1_lod_schedule():
    schedule = GrowthSchedule(start_resolution=8, stable_images=100, fade_images=50)
    at = lambda images: schedule.resolution_log2(images, final_log2=6)  # noqa: E731
    # 8 stable, 16 fades in, 16 stable, 32 fades in, ..., then 64 for good.
    assert [at(i) for i in (0, 99, 100, 149, 150, 249, 250, 300, 400, 450, 10_000)] == [3, 3, 4, 4, 4, 4, 5, 5, 6, 6, 6]
    assert schedule.fade_start(4) == 100 and schedule.fade_start(5) == 250 and schedule.fade_start(6) == 400
    assert schedule.grown_by(6) == 450
    assert alpha(schedule, 0.0, 3) == 1.0
    assert [float(alpha(schedule, float(i), 5)) for i in (200, 250, 275, 300, 1000)] == [0.0, 0.0, 0.5, 1.0, 1.0]


@pytest.mark.parametrize("start,stable,fade,message", [
    (4, 10, 10, "start_resolution"), (24, 10, 10, "start_resolution"), (64, 10, 10, "start_resolution"),
    (8, 0, 10, "positive"), (8, 10, -1, "positive"),
])
def test_bad_schedules_are_refused_by_the_config(start, stable, fade, message):
    quickstart = config.get_preset("quickstart")  # 64x64
    train = dataclasses.replace(quickstart.train, stylegan_growth=GrowthSchedule(start, stable, fade))
    with pytest.raises(ConfigError, match=f"train.stylegan_growth .*{message}"):
        dataclasses.replace(quickstart, train=train).validate()


def test_the_quickstart_grows_and_the_paper_preset_does_not():
    quickstart = config.get_preset("quickstart").train
    assert quickstart.stylegan_growth == GrowthSchedule(start_resolution=8, stable_images=10_000, fade_images=10_000)
    # The full resolution is reached (60,000 images) well inside the budget.
    assert quickstart.stylegan_growth.grown_by(6) < quickstart.stylegan.steps * quickstart.stylegan.batch_size / 2
    assert config.get_preset("paper").train.stylegan_growth is None
