"""The progressive-growing schedule of the `stylegan` stage (StyleGAN v1's lod schedule, in images).

From `start_resolution`, each resolution trains for `stable_images`, then the next one
fades in over `fade_images`, and so on up to the full resolution, which then trains for
the rest of the budget.
"""
from __future__ import annotations

import dataclasses

from keras import ops

from ears_tf.config import ConfigError
from ears_tf.models.growing import start_resolution_problem


@dataclasses.dataclass(frozen=True)
class GrowthSchedule:
    start_resolution: int
    stable_images: int
    fade_images: int

    @property
    def start_log2(self) -> int:
        return self.start_resolution.bit_length() - 1

    def validate(self, hr_size: int) -> "GrowthSchedule":
        problem = start_resolution_problem(self.start_resolution, hr_size)
        if problem:
            raise ConfigError(f"growth {problem}")
        if self.stable_images <= 0 or self.fade_images <= 0:
            raise ConfigError(f"growth stable_images and fade_images must be positive, got "
                              f"{self.stable_images} and {self.fade_images}")
        return self

    def resolution_log2(self, images: int, final_log2: int) -> int:
        """The resolution G draws at after `images` images: the one training or fading in."""
        phase, into = divmod(images, self.stable_images + self.fade_images)
        return min(self.start_log2 + phase + (into >= self.stable_images), final_log2)

    def fade_start(self, res_log2: int) -> int:
        """The image count at which resolution 2**res_log2 starts to fade in."""
        return (res_log2 - self.start_log2 - 1) * (self.stable_images + self.fade_images) + self.stable_images

    def alpha(self, images, res_log2: int):
        """How far 2**res_log2 has faded in after `images` (a number or a tensor): 0 to 1."""
        if res_log2 == self.start_log2:
            return 1.0  # nothing below it to fade out
        fraction = (ops.convert_to_tensor(images, "float32") - self.fade_start(res_log2)) / self.fade_images
        return ops.clip(fraction, 0.0, 1.0)

    def grown_by(self, final_log2: int) -> int:
        """The images after which G and D train at the full resolution alone."""
        return self.fade_start(final_log2) + self.fade_images

