import pytest

from ears_tf.config import ConfigError
from ears_tf.train.growth import GrowthSchedule


def test_resolutions_and_fades_follow_stylegan_v1_lod_schedule():
    schedule = GrowthSchedule(start_resolution=8, stable_images=100, fade_images=50)
    at = lambda images: schedule.resolution_log2(images, final_log2=6)  # noqa: E731
    # 8 stable, 16 fades in, 16 stable, 32 fades in, ..., then 64 for good.
    assert [at(i) for i in (0, 99, 100, 149, 150, 249, 250, 300, 400, 450, 10_000)] == [3, 3, 4, 4, 4, 4, 5, 5, 6, 6, 6]
    assert schedule.fade_start(4) == 100 and schedule.fade_start(5) == 250 and schedule.fade_start(6) == 400
    assert schedule.grown_by(6) == 450
    assert schedule.alpha(0.0, 3) == 1.0
    assert [float(schedule.alpha(float(i), 5)) for i in (200, 250, 275, 300, 1000)] == [0.0, 0.0, 0.5, 1.0, 1.0]


@pytest.mark.parametrize("start,stable,fade,message", [
    (4, 10, 10, "start_resolution"), (24, 10, 10, "start_resolution"), (64, 10, 10, "start_resolution"),
    (8, 0, 10, "positive"), (8, 10, -1, "positive"),
])
def test_bad_schedules_are_refused(start, stable, fade, message):
    with pytest.raises(ConfigError, match=message):
        GrowthSchedule(start, stable, fade).validate(hr_size=64)
