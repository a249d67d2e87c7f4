"""The test-time refinement's options (`ears_tf/refine.py`), apart from its Keras code, so that
`infer` and `evaluate` check their flags and paths before TensorFlow loads."""
from __future__ import annotations

import dataclasses

from ears_tf.config import ConfigError

# What the search moves: G's per-layer input code z [N, k, D], or w [N, k, D], the mapping
# network's output that the synthesis network reads (the space GAN inversion usually searches).
TARGETS = ("z", "w")


# The step count the evaluation's refined rows were measured at (docs/evaluation.md): 100 steps of a
# quickstart face take under 1 s at batch 32 on 2 cores, and 75 to 100 steps gain little more.
MEASURED_STEPS = 100


@dataclasses.dataclass(frozen=True)
class RefineOptions:
    """Defaults measured on the quickstart (`experiments/refine_sweep.py`, docs/evaluation.md): in w,
    step 0.03, prior weight 1 gave the highest PSNR of the settings that kept F's C_g."""

    steps: int = 0  # 0: no refinement, the model's own code; MEASURED_STEPS is the measured count
    learning_rate: float = 0.03  # Adam's step on the code (the codes' entries are of order 1)
    prior_weight: float = 1.0  # lambda: how far from the model's code the search may go
    target: str = "w"  # one of TARGETS
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8

    def validate(self) -> "RefineOptions":
        if self.steps < 0:
            raise ConfigError(f"refine steps must be 0 or more, got {self.steps}")
        if self.learning_rate <= 0:
            raise ConfigError(f"refine learning rate must be positive, got {self.learning_rate}")
        if self.prior_weight < 0:
            raise ConfigError(f"refine prior weight must be 0 or more, got {self.prior_weight}")
        if self.target not in TARGETS:
            raise ConfigError(f"refine target must be one of {', '.join(TARGETS)}, got {self.target!r}")
        return self
