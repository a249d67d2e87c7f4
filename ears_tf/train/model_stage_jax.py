"""A supervised stage's step under JAX: its `losses` (the same as TensorFlow's step
minimises), differentiated by `jax.value_and_grad` over Keras's stateless scope, and Adam
through `optimizer.stateless_apply`, in one `jax.jit`.

Every Keras variable the stage holds enters the step as an argument: the trained models'
weights (differentiated), and, as state, their non-trainable variables, the frozen
networks the losses run (the generator, E_h, the perceptual features) and the seed
generators, whose updates come back with the state. None is closed over, so none is baked
into the compiled step as a constant.
"""
from __future__ import annotations

import keras

from ears_tf.backends import jax as jax_backend


def held_variables(root) -> list:
    """Every Keras variable of the layers that `root` holds, through its attributes, dicts, lists
    and tuples and the ears_tf objects among them (optimizers excepted), each once."""
    found, seen = {}, set()

    def visit(value):
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, keras.layers.Layer):
            found.update((id(v), v) for v in value.variables)
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                visit(item)
        elif type(value).__module__.startswith("ears_tf") and hasattr(value, "__dict__"):
            for item in vars(value).values():
                visit(item)

    visit(root)
    return list(found.values())


class JaxModelStageStep:
    """`state, metrics = step(state, batch)` for a `ModelStage`: its loss terms are the metrics."""

    def __init__(self, stage):
        jax_backend.require_no_loss_scaling(stage.optimizer)
        self.stage = stage
        self.trainable = stage.trainable_variables
        trainable_ids = {id(v) for v in self.trainable}
        self.held = [v for v in held_variables(stage) if id(v) not in trainable_ids]
        self.optimizer_variables = stage.optimizer.variables
        self.output_sharding = None  # the runtime's layout of the step's outputs, on several devices
        self._compiled = None

    def initial_state(self) -> dict:
        """Copies of the variables' values (the step donates its state's buffers)."""
        copy = lambda variables: [v.value.copy() for v in variables]  # noqa: E731
        return {"trainable": copy(self.trainable), "held": copy(self.held),
                "optimizer": copy(self.optimizer_variables)}

    def assign(self, state: dict) -> None:
        for name, variables in (("trainable", self.trainable), ("held", self.held),
                                ("optimizer", self.optimizer_variables)):
            for variable, value in zip(variables, state[name]):
                variable.assign(value)

    def __call__(self, state: dict, batch):
        if self._compiled is None:
            self._compiled = jax_backend.jit_step(self._step, self.output_sharding)
        return self._compiled(state, batch)

    def _step(self, state, batch):
        def objective():
            terms = self.stage.losses(batch)
            return terms["loss"], terms

        # The optimizer's variables are read too (a schedule's step count), never differentiated.
        grad_fn = jax_backend.value_and_grad(objective, self.trainable, self.held + self.optimizer_variables)
        (_, (terms, after)), grads = grad_fn(state["trainable"], state["held"] + state["optimizer"])
        trainable, optimizer = self.stage.optimizer.stateless_apply(state["optimizer"], grads, state["trainable"])
        return {"trainable": list(trainable), "held": list(after[:len(self.held)]),
                "optimizer": list(optimizer)}, terms
