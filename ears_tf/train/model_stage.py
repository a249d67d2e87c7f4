"""What every supervised stage shares: prerequisites, data, Adam, evaluation, export.

The encoder and fusion stages (`EncoderStage`), the classifiers and the CNN baseline
each train some models on batches of the records. A subclass says which models it
trains (`make_models`), its loss terms (`losses`, a dict whose "loss" is minimised)
and what it shows on a fixed set of test examples (`evaluate_examples`). This class
owns the rest: loading prerequisites with clear errors, the tf.data pipeline, the
optimizer, the gradient step, the test-split metrics and figures, and the export.
"""
from __future__ import annotations

import abc
import dataclasses
import json
import os

import numpy as np
import tensorflow as tf

import keras

from ears_tf import backends, precision
from ears_tf.config import Config
from ears_tf.data import pipeline
from ears_tf.workdir import layout
from ears_tf.workdir.atomic import append_line, read_json_object, write_bytes, write_json
from ears_tf.train.loop import Stage
from ears_tf.visualize import figure_size, labelled_rows, save_png, speakers_first



@dataclasses.dataclass(frozen=True)
class ModelStageOptions:
    eval_examples: int = 512  # test-split examples behind the logged metrics
    eval_chunk: int = 64  # examples per forward pass in evaluation
    figure_examples: int = 8  # columns of the figure
    # Memory for frozen encoders' codes of the training faces, computed once (`code_cache`); 0: per step.
    code_cache_bytes: int = 2**30


BEST_DIR = "best"  # WORKDIR/STAGE/best/: the models at the best validation figure so far
BEST = "best.json"


class ModelStage(Stage):
    splits: tuple  # training splits
    with_audio: bool
    # Model selection where a stage's held-out figure rises late (it memorises videos): at each
    # evaluation the mean of `validation_scores` (lower is better) on `validation_split` is
    # logged as val_<validation_metric>; the models at its best are kept and exported.
    validation_split: str | None = None
    validation_metric: str | None = None

    def __init__(self, config: Config, data_dir, workdir, batch_size: int | None = None, seed: int = 0,
                 options: ModelStageOptions = ModelStageOptions()):
        self.config = config
        self.model_config = config.model
        self.data_dir = os.fspath(data_dir)
        self.workdir = os.fspath(workdir)
        budget = self.budget()
        self.batch_size = batch_size or budget.batch_size
        self.learning_rate = budget.learning_rate or config.train.learning_rate
        self.images_per_step = self.batch_size
        self.seed = seed
        self.options = options
        self._examples = {}
        self._eval_functions = {}
        # {field: fn(batch) -> tensor}: fields the input pipeline adds to every training batch.
        self.batch_fields = {}
        self._best = None  # {"step", "value"} of the best validation figure so far

    # What a subclass provides.

    def learning_schedule(self):
        """Adam's learning rate: the paper's fixed rate unless a stage decays it."""
        return self.learning_rate

    @abc.abstractmethod
    def make_models(self) -> dict:
        """Builds the stage's models and loads frozen ones; returns {name: (model, Artefact)} to train and export."""

    @abc.abstractmethod
    def losses(self, batch) -> dict:
        """Loss terms on one batch; "loss" is the one minimised."""

    @abc.abstractmethod
    def evaluate_examples(self, batch) -> tuple[dict, list, list]:
        """On a test batch (numpy dict): (per-example metric arrays, figure rows, row labels); no rows, no figure."""

    def validation_scores(self, batch) -> np.ndarray:
        """Per-example validation figure (lower is better) on a `validation_split` batch."""
        raise NotImplementedError(f"{type(self).__name__} sets validation_split but has no validation_scores")

    # The shared machinery.

    def build(self, strategy):
        self.num_replicas = strategy.num_replicas_in_sync
        self.trained = self.make_models()
        self.optimizer = precision.loss_scaled(keras.optimizers.Adam(self.learning_schedule()))
        self.optimizer.build(self.trainable_variables)

    @property
    def trainable_variables(self) -> list:
        return [v for model, _ in self.trained.values() for v in model.trainable_variables]

    def checkpoint_items(self):
        return {"optimizer": self.optimizer, **{name: model for name, (model, _) in self.trained.items()}}

    def dataset(self, seed, share=pipeline.WHOLE):
        options = pipeline.PipelineOptions(
            batch_size=self.batch_size, training=True, seed=seed, with_audio=self.with_audio,
            hr_size=self.model_config.hr_size, share=share,
        )
        dataset = pipeline.make_dataset(self.data_dir, list(self.splits), options, self.model_config.audio)

        def add_fields(batch):
            batch = {**batch, **{field: fn(batch) for field, fn in self.batch_fields.items()}}
            # No step reads the video name, and a string tensor enters no compiled step (XLA's, JAX's).
            return {k: v for k, v in batch.items() if v.dtype != tf.string}

        return dataset.map(add_fields, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)

    def stateless_step(self):
        from ears_tf.train.model_stage_jax import JaxModelStageStep

        return JaxModelStageStep(self)

    def replica_step(self, batch):
        variables = self.trainable_variables
        with tf.GradientTape() as tape:
            terms = self.losses(batch)
            total = self.optimizer.scale_loss(terms["loss"] / self.num_replicas)  # per-replica means, summed
        self.optimizer.apply_gradients(zip(tape.gradient(total, variables), variables))
        return terms

    def test_examples(self, split: str = "test") -> dict:
        """The first `eval_examples` examples of `split` (numpy arrays), distinct speakers first."""
        if split not in self._examples:
            options = pipeline.PipelineOptions(
                batch_size=self.options.eval_examples, training=False, drop_remainder=False,
                with_audio=self.with_audio, hr_size=self.model_config.hr_size,
            )
            batch = next(iter(pipeline.make_dataset(self.data_dir, split, options, self.model_config.audio)))
            examples = {k: v.numpy() for k, v in batch.items() if k != "video"}
            order = speakers_first(examples["speaker"], self.options.figure_examples)
            self._examples[split] = {k: v[order] for k, v in examples.items()}
        return self._examples[split]

    def apply(self, fn, *arrays) -> np.ndarray:
        """fn over the leading axis of `arrays` in chunks, compiled once per chunk shape."""
        key = getattr(fn, "__name__", None) or id(fn)  # a method by name, a model by identity
        if key not in self._eval_functions:
            self._eval_functions[key] = backends.current().compiled_function(fn)
        compiled = self._eval_functions[key]
        chunk = self.options.eval_chunk
        outputs = [compiled(*(a[i:i + chunk] for a in arrays)) for i in range(0, len(arrays[0]), chunk)]
        return np.concatenate([np.asarray(o) for o in outputs])

    def evaluate(self, step, stage_dir, writer):
        per_example, rows, labels = self.evaluate_examples(self.test_examples())
        metrics = {name: float(np.mean(values)) for name, values in per_example.items()}
        if rows:
            n = self.options.figure_examples
            figure = labelled_rows([row[:n] for row in rows], labels, figure_size(self.model_config.hr_size))
            save_png(os.path.join(stage_dir, "figures", f"step_{step:06d}.png"), figure)
            tf.summary.image("test_examples", figure[None], step=step)
        if self.validation_split is not None:
            metrics.update(self._select(step, stage_dir))
        append_line(os.path.join(stage_dir, "metrics.jsonl"),
                    json.dumps({"step": step, "examples": len(next(iter(per_example.values()))), **metrics}))
        return metrics

    def _select(self, step: int, stage_dir: str) -> dict:
        """Logs the validation figure; keeps the models in best/ when it is the best so far."""
        best_file = os.path.join(stage_dir, BEST_DIR, BEST)
        if self._best is None and os.path.isfile(best_file):  # a resumed run remembers its best
            self._best = read_json_object(best_file, "value", float)
        value = float(np.mean(self.validation_scores(self.test_examples(self.validation_split))))
        if self._best is None or value < self._best["value"]:
            for name, (model, _) in self.trained.items():
                layout.save_model(model, os.path.join(stage_dir, BEST_DIR, f"{name}.keras"))
            self._best = {"step": step, "value": value, "metric": f"val_{self.validation_metric}",
                          "split": self.validation_split}
            write_json(best_file, self._best)  # after the models: it names a complete set
        return {f"val_{self.validation_metric}": value, "best_step": float(self._best["step"])}

    def export(self, stage_dir):
        """The trained models, or with model selection those at the best validation figure."""
        paths = []
        if self._best is not None:
            print(f"{self.name}: exporting the models of step {self._best['step']}, the best "
                  f"{self._best['metric']} ({self._best['value']:.4g} on {self._best['split']})", flush=True)
        for name, (model, artefact) in self.trained.items():
            if self._best is not None:
                with open(os.path.join(stage_dir, BEST_DIR, f"{name}.keras"), "rb") as f:
                    write_bytes(artefact.path(self.workdir), f.read())
                paths.append(artefact.path(self.workdir))
            else:
                paths.append(layout.save_model(model, artefact.path(self.workdir)))
        return paths
