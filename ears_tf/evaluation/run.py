"""Runs the paper's evaluation on a trained workdir and the test split of a records folder.

One pass over the test split runs every model on each batch and keeps per-example
scores only (so memory does not grow with the split): C_i and C_g predictions on
the HR faces and on each method's outputs, PSNR and SSIM against the HR face, and
the fine-tuned E_a's code of each utterance. A second pass pairs each LR frame
with the code of an utterance by a speaker of the other gender (the audio-swap
test). A few examples are kept for the figures.
"""
from __future__ import annotations

import dataclasses
import datetime
import os

import numpy as np
import tensorflow as tf

from ears_tf import variants
from ears_tf.data import pipeline, records
from ears_tf.errors import InputError
from ears_tf.evaluation import figures, report
from ears_tf.evaluation.bootstrap import bootstrap_interval
from ears_tf.metrics.image import psnr, ssim
from ears_tf.workdir import layout
from ears_tf.visualize import speakers_first
from ears_tf.progress import Progress
from ears_tf.refine import Refiner
from ears_tf.refine_options import RefineOptions
from ears_tf.data.image import bicubic_upsample

# Table 1's rows: the HR faces, E_h only, then the variants (b) to (f), each by its variant's name.
TABLE1_ROWS = ("hr", "e_h") + variants.VARIANT_NAMES
# Table 2's rows: the baselines, then ours F and F3 (Table 1's d and e).
TABLE2_ROWS = ("bicubic", "cnn", variants.F1_FINETUNE.name, variants.F3_FINETUNE.name)
SWAP_ROW = variants.F1_FINETUNE.name  # the paper's model F with the fine-tuned E_a
# Test-time refinement's rows (`ears_tf/refine.py`), with --refine_steps: from E_l's code, and from F's.
REFINED_LOWRES, REFINED_FUSED = "refined_lowres_only", "refined_f1_finetune"
REFINED_ROWS = (REFINED_LOWRES, REFINED_FUSED)


@dataclasses.dataclass(frozen=True)
class EvaluationOptions:
    batch_size: int = 64
    bootstrap_samples: int = 1000
    seed: int = 0
    max_examples: int | None = None  # None: the whole test split
    figure_examples: int = 6  # columns of the ablation and comparison figures
    mix_images: int = 4  # rows of the audio-mixing matrix
    mix_voices: int = 6  # columns of the audio-mixing matrix (half of each gender)
    progress: bool = True
    # With steps > 0, two more rows: E_l's code and F's refined against the frame (`REFINED_ROWS`).
    refine: RefineOptions = RefineOptions()


class Models:
    """Every trained model the evaluation reads from the workdir (a missing one names its stage).

    Each variant's images come from its `SuperResolver` (the one composition that `infer`,
    the demo and the exports run), all sharing one G and one E_l."""

    def __init__(self, workdir, refine: RefineOptions = RefineOptions()):
        from ears_tf.models import SuperResolver

        everything = [layout.GENERATOR, layout.ENCODER_HR, layout.ENCODER_LR, layout.ENCODER_AUDIO,
                      layout.IDENTITY_CLASSIFIER, layout.GENDER_CLASSIFIER, layout.SR_BASELINE]
        for variant in variants.FUSED:
            everything.extend(layout.fusion_artefacts(variant))
        layout.require(workdir, *everything)  # before loading anything
        generator = layout.load(workdir, layout.GENERATOR)
        self.model_config = cfg = generator.model_config
        self.encoder_hr = layout.load(workdir, layout.ENCODER_HR)
        encoder_lr = layout.load(workdir, layout.ENCODER_LR)
        # variant name (its Table 1 row) -> its SuperResolver
        self.resolvers = {
            variants.LOWRES_ONLY.name: SuperResolver.from_parts(
                cfg, variants.LOWRES_ONLY.name, generator=generator, encoder_lr=encoder_lr),
            variants.AUDIO_ONLY.name: SuperResolver.from_parts(
                cfg, variants.AUDIO_ONLY.name, generator=generator,
                encoder_audio=layout.load(workdir, layout.ENCODER_AUDIO)),
        }
        for variant in variants.FUSED:
            fusion_file, audio_file = layout.fusion_artefacts(variant)
            self.resolvers[variant.name] = SuperResolver.from_parts(
                cfg, variant.name, generator=generator, encoder_lr=encoder_lr,
                fusion=layout.load(workdir, fusion_file), encoder_audio=layout.load(workdir, audio_file))
        self.identity = layout.load(workdir, layout.IDENTITY_CLASSIFIER)
        self.gender = layout.load(workdir, layout.GENDER_CLASSIFIER)
        self.sr_baseline = layout.load(workdir, layout.SR_BASELINE)
        self.refiner = Refiner(generator, refine) if refine.steps else None

    def outputs(self, hr, lr, waveform):
        """Every method's HR image for a batch, and the swap model's audio codes."""
        swap = self.resolvers[SWAP_ROW]
        swap_codes = swap.encoder_audio(waveform)  # [B, k, D], kept for the audio-swap test
        images = {
            "hr": hr,
            "e_h": swap.generate(self.encoder_hr(hr)),
            "bicubic": bicubic_upsample(lr, self.model_config.hr_size),
            "cnn": tf.clip_by_value(self.sr_baseline(lr), -1.0, 1.0),
        }
        for row, resolver in self.resolvers.items():
            images[row] = swap(lr, audio_code=swap_codes) if row == SWAP_ROW else resolver(lr, waveform)
        if self.refiner is not None:
            # (i) from E_l's code, no voice: a PULSE-like search; (ii) from F's code, the voice's prior.
            for row, prior in ((REFINED_LOWRES, self.resolvers[variants.LOWRES_ONLY.name].latents(lr)),
                               (REFINED_FUSED, swap.latents(lr, audio_code=swap_codes))):
                images[row] = self.refiner.draw(self.refiner(prior, lr)[0])
        predictions = {
            name: (tf.argmax(self.identity(image), -1), tf.argmax(self.gender(image), -1))
            for name, image in images.items()
        }
        return images, predictions, swap_codes

    def fused(self, row, lr, z_a):
        """[B, HR, HR, 3] of the fused variant `row` with given audio codes, and C_g's prediction."""
        image = self.resolvers[row](lr, audio_code=z_a)
        return image, tf.argmax(self.gender(image), -1)


def _test_dataset(data_dir, options: EvaluationOptions, audio_config, hr_size: int, with_audio: bool):
    pipeline_options = pipeline.PipelineOptions(
        batch_size=options.batch_size, training=False, drop_remainder=False,
        with_audio=with_audio, hr_size=hr_size,
    )
    dataset = pipeline.make_dataset(data_dir, "test", pipeline_options, audio_config)
    if options.max_examples:
        dataset = dataset.unbatch().take(options.max_examples).batch(options.batch_size)
    return dataset


def swap_partners(gender: np.ndarray, seed: int) -> np.ndarray:
    """For each example, the index of a random example of the other gender (-1 where none or unknown)."""
    rng = np.random.default_rng(seed)
    partners = np.full(len(gender), -1, np.int64)
    for own, other in ((0, 1), (1, 0)):
        mine, theirs = np.flatnonzero(gender == own), np.flatnonzero(gender == other)
        if len(mine) and len(theirs):
            partners[mine] = rng.choice(theirs, size=len(mine))
    return partners


def accuracy_entry(correct: np.ndarray, name: str, options: EvaluationOptions) -> dict:
    return {name: float(np.mean(correct)) if correct.size else float("nan"),
            f"{name}_ci": list(bootstrap_interval(correct, options.bootstrap_samples, seed=options.seed))}


def evaluate(workdir, data_dir, output, options: EvaluationOptions = EvaluationOptions()) -> dict:
    """Writes OUTPUT/report.json, report.md and figures/ (all or nothing); returns the report."""
    workdir, data_dir, output = os.fspath(workdir), os.fspath(data_dir), os.fspath(output)
    manifest = records.Manifest.load(data_dir)
    models = Models(workdir, options.refine)
    cfg = models.model_config
    if manifest.num_speakers != models.identity.num_classes:
        raise InputError(layout.IDENTITY_CLASSIFIER.path(workdir),
                         f"has {models.identity.num_classes} speaker classes but {data_dir} has "
                         f"{manifest.num_speakers} speakers; train the classifiers on this data")
    total = min(manifest.splits["test"].count, options.max_examples or manifest.splits["test"].count)
    run_outputs = tf.function(models.outputs, reduce_retracing=True)

    genders, codes = [], []
    identity_correct, gender_correct = {}, {}
    refined_rows = REFINED_ROWS if options.refine.steps else ()
    quality = {name: {"psnr": [], "ssim": []} for name in TABLE2_ROWS + refined_rows}
    kept = None  # the first batch's images, for the figures
    progress = Progress("evaluate", total, 0, 1) if options.progress else None
    seen = 0
    for batch in _test_dataset(data_dir, options, cfg.audio, cfg.hr_size, with_audio=True):
        images, predictions, swap_codes = run_outputs(batch["hr"], batch["lr"], batch["waveform"])
        speaker, gender = batch["speaker"].numpy(), batch["gender"].numpy()
        hr = images["hr"].numpy()
        for name, (identity, predicted_gender) in predictions.items():
            identity_correct.setdefault(name, []).append(identity.numpy() == speaker)
            known = gender >= 0
            gender_correct.setdefault(name, []).append(predicted_gender.numpy()[known] == gender[known])
        for name in quality:
            output_images = images[name].numpy()
            quality[name]["psnr"].append(psnr(output_images, hr))
            quality[name]["ssim"].append(ssim(output_images, hr))
        if kept is None:
            kept = {"lr": batch["lr"].numpy(), "speaker": speaker, "gender": gender, "code": swap_codes.numpy(),
                    **{name: image.numpy() for name, image in images.items()}}
        genders.append(gender)
        codes.append(swap_codes.numpy())
        seen += len(speaker)
        if progress:
            progress.update(seen, {})
    if progress:
        progress.close(seen, {})
    if not seen:
        raise InputError(data_dir, "the test split has no readable records")
    gender = np.concatenate(genders)
    codes = np.concatenate(codes)
    identity_correct = {k: np.concatenate(v).astype(np.float64) for k, v in identity_correct.items()}
    gender_correct = {k: np.concatenate(v).astype(np.float64) for k, v in gender_correct.items()}

    # The audio-swap test: each LR frame with the voice of someone of the other gender.
    partners = swap_partners(gender, options.seed)
    run_fused = tf.function(lambda lr, z_a: models.fused(SWAP_ROW, lr, z_a), reduce_retracing=True)
    follows, start = [], 0
    for batch in _test_dataset(data_dir, options, cfg.audio, cfg.hr_size, with_audio=False):
        index = np.arange(start, start + len(batch["speaker"]))
        start += len(index)
        index = index[partners[index] >= 0]
        if not len(index):
            continue
        lr = tf.gather(batch["lr"], index - (start - len(batch["speaker"])))
        _, predicted = run_fused(lr, codes[partners[index]])
        follows.append(predicted.numpy() == gender[partners[index]])
    follows = np.concatenate(follows).astype(np.float64) if follows else np.zeros(0)

    table1 = {}
    for row in TABLE1_ROWS:
        table1[row] = {**accuracy_entry(identity_correct[row], "C_i", options),
                       **accuracy_entry(gender_correct[row], "C_g", options)}
    table2 = {}
    for row in TABLE2_ROWS:
        table2[row] = {
            "psnr": float(np.mean(np.concatenate(quality[row]["psnr"]))),
            "ssim": float(np.mean(np.concatenate(quality[row]["ssim"]))),
            **accuracy_entry(identity_correct[row], "C_i", options),
            **accuracy_entry(gender_correct[row], "C_g", options),
        }
    result = {
        "table1": table1,
        "table2": table2,
        "audio_swap": {"follows_audio": float(np.mean(follows)) if follows.size else float("nan"), "n": int(follows.size),
                       "follows_audio_ci": list(bootstrap_interval(follows, options.bootstrap_samples, seed=options.seed)),
                       "model": SWAP_ROW},
        "n_test": int(seen),
        "n_speakers": int(manifest.num_speakers),
        "data": {"path": os.path.abspath(data_dir), "source": manifest.source, "preset": manifest.preset},
        "workdir": os.path.abspath(workdir),
        "date": datetime.date.today().isoformat(),
    }
    result["claims"] = report.claims(identity_correct, gender_correct, follows, options.bootstrap_samples, options.seed)
    if refined_rows:
        psnr_scores = {row: np.concatenate(quality[row]["psnr"]) for row in quality}
        result["refinement"] = {
            "options": dataclasses.asdict(options.refine),
            "rows": {row: {"psnr": float(np.mean(psnr_scores[row])),
                           "ssim": float(np.mean(np.concatenate(quality[row]["ssim"]))),
                           **accuracy_entry(identity_correct[row], "C_i", options),
                           **accuracy_entry(gender_correct[row], "C_g", options)} for row in refined_rows},
            "comparisons": report.refinement_comparisons(psnr_scores, identity_correct, gender_correct,
                                                         options.bootstrap_samples, options.seed),
        }

    order = speakers_first(kept["speaker"], options.figure_examples)
    examples = {k: v[order] for k, v in kept.items()}
    pictures = {
        "ablation.png": figures.ablation(examples, options.figure_examples, cfg.hr_size),
        "comparison.png": figures.comparison(examples, options.figure_examples, cfg.hr_size),
        "audio_mixing.png": mixing_figure(models, examples, options),
    }
    if refined_rows:
        pictures["refinement.png"] = figures.refinement(examples, options.figure_examples, cfg.hr_size)
    report.write(output, result, pictures)
    return result


def mixing_figure(models: Models, examples: dict, options: EvaluationOptions) -> np.ndarray:
    """The paper's fig. 5: a few LR faces (rows) each fused with the voices of several speakers (columns)."""
    voices = figures.pick_voices(examples["speaker"], examples["gender"], options.mix_voices)
    lr = examples["lr"][:options.mix_images]
    fused = []
    for image in lr:
        batch = np.repeat(image[None], len(voices), axis=0)  # [V, r, r, 3]
        fused.append(models.fused(SWAP_ROW, tf.constant(batch), tf.constant(examples["code"][voices]))[0].numpy())
    e_l = models.resolvers[variants.LOWRES_ONLY.name](tf.constant(lr)).numpy()
    return figures.mixing(lr, e_l, fused, examples["hr"][voices], examples["gender"][voices], models.model_config.hr_size)
