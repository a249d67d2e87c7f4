"""How far a resolution of the growing `stylegan` stage has faded in (the schedule itself,
`GrowthSchedule`, is configuration: ears_tf/config.py).
"""
from __future__ import annotations

from keras import ops

from ears_tf.config import GrowthSchedule


def alpha(schedule: GrowthSchedule, images, res_log2: int):
    """How far 2**res_log2 has faded in after `images` (a number or a tensor): 0 to 1."""
    if res_log2 == schedule.start_log2:
        return 1.0  # nothing below it to fade out
    fraction = (ops.convert_to_tensor(images, "float32") - schedule.fade_start(res_log2)) / schedule.fade_images
    return ops.clip(fraction, 0.0, 1.0)
