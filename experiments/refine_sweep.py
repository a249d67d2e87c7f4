"""Test-time refinement's settings measured on a trained workdir: how to choose its defaults.

  python experiments/refine_sweep.py --workdir=runs/quickstart [--data=data/quickstart] \
      [--examples=192] [--settings=z:0.01:0.1,w:0.01:0.1] [--checkpoints=25,50,100] \
      [--starts=fused,lowres] [--output=sweep.json]

Each setting is TARGET:LEARNING_RATE:PRIOR_WEIGHT (`ears_tf/refine.py`'s options). For each
setting and each start (`fused`: F's code, the voice's prior, the evaluation's row (ii);
`lowres`: E_l's code, row (i)) one search runs on the test split's first examples, and at
each checkpoint's step count it prints the refined faces' PSNR and the evaluation's C_i and
C_g on them, beside bicubic's PSNR and F's C_g on the same examples. The checkpoints are one
search read along the way, so a row at 50 steps is what `--refine_steps=50` gives.
"""
from absl import app, flags

flags.DEFINE_string("workdir", None, "A trained workdir (every stage up to fusion, the classifiers).", required=True)
flags.DEFINE_string("data", "data/quickstart", "Records folder whose test split is refined.")
flags.DEFINE_integer("examples", 192, "Test examples (the split's first, in order).", lower_bound=1)
flags.DEFINE_integer("batch_size", 32, "Examples refined together.", lower_bound=1)
flags.DEFINE_list("settings", ["z:0.01:0.1"], "TARGET:LEARNING_RATE:PRIOR_WEIGHT, one search each.")
flags.DEFINE_list("checkpoints", ["25", "50", "100"], "Step counts at which the search is read.")
flags.DEFINE_list("starts", ["fused"], "Which codes to refine: fused (row ii) and/or lowres (row i).")
flags.DEFINE_string("output", None, "Where to write the rows as JSON (optional).")
FLAGS = flags.FLAGS

STARTS = ("fused", "lowres")


def parse_setting(text: str):
    from ears_tf.refine_options import RefineOptions

    try:
        target, learning_rate, prior_weight = text.split(":")
        return RefineOptions(target=target, learning_rate=float(learning_rate), prior_weight=float(prior_weight))
    except ValueError:
        raise app.UsageError(f"--settings: {text!r} is not TARGET:LEARNING_RATE:PRIOR_WEIGHT")


def main(argv):
    del argv
    import dataclasses
    import json
    import time

    import numpy as np
    import tensorflow as tf

    from ears_tf import variants
    from ears_tf.data import pipeline
    from ears_tf.data.image import bicubic_upsample
    from ears_tf.evaluation.run import SWAP_ROW, Models
    from ears_tf.metrics.image import psnr
    from ears_tf.refine import Refiner

    checkpoints = sorted(int(c) for c in FLAGS.checkpoints)
    if unknown := set(FLAGS.starts) - set(STARTS):
        raise app.UsageError(f"--starts: unknown {sorted(unknown)}; choose from {STARTS}")
    settings = [dataclasses.replace(parse_setting(s), steps=checkpoints[-1]).validate() for s in FLAGS.settings]
    models = Models(FLAGS.workdir)
    cfg = models.model_config
    options = pipeline.PipelineOptions(batch_size=FLAGS.batch_size, training=False,
                                       drop_remainder=False, with_audio=True, hr_size=cfg.hr_size)
    dataset = pipeline.make_dataset(FLAGS.data, "test", options, cfg.audio).unbatch().take(FLAGS.examples)
    batches = list(dataset.batch(FLAGS.batch_size))
    fused, lowres = models.resolvers[SWAP_ROW], models.resolvers[variants.LOWRES_ONLY.name]
    generator = fused.generator

    def judged(images, batch):
        known = batch["gender"].numpy() >= 0
        identity = tf.argmax(models.identity(images), -1).numpy() == batch["speaker"].numpy()
        gender = (tf.argmax(models.gender(images), -1).numpy() == batch["gender"].numpy())[known]
        return psnr(np.asarray(images), batch["hr"].numpy()), identity, gender

    # Each start's codes [B, k, D] per batch, computed once for every setting.
    resolvers = {"fused": fused, "lowres": lowres}
    priors = {start: [resolvers[start].latents(b["lr"], b["waveform"]) for b in batches] for start in FLAGS.starts}
    fused_codes = priors.get("fused") or [fused.latents(b["lr"], b["waveform"]) for b in batches]
    baseline = {"bicubic": [judged(bicubic_upsample(b["lr"], cfg.hr_size), b) for b in batches],
                "f": [judged(fused.generate(z), b) for z, b in zip(fused_codes, batches)]}

    def summary(rows):
        psnrs, identity, gender = (np.concatenate(column) for column in zip(*rows))
        return {"psnr": float(np.mean(psnrs)), "C_i": float(np.mean(identity)), "C_g": float(np.mean(gender))}

    results = {"examples": sum(len(b["speaker"]) for b in batches), "workdir": FLAGS.workdir,
               "baselines": {name: summary(rows) for name, rows in baseline.items()}, "rows": []}
    print(f"{results['examples']} test examples; bicubic PSNR {results['baselines']['bicubic']['psnr']:.2f}; "
          f"F PSNR {results['baselines']['f']['psnr']:.2f}, C_i {100 * results['baselines']['f']['C_i']:.1f}%, "
          f"C_g {100 * results['baselines']['f']['C_g']:.1f}%")
    print("| start | target | step size | prior weight | steps | PSNR | C_i | C_g | consistency | prior | s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for setting in settings:
        refiner = Refiner(generator, setting)
        for start in FLAGS.starts:
            per_step = {count: [] for count in checkpoints}
            terms = {count: {"consistency": [], "prior": []} for count in checkpoints}
            began = time.perf_counter()
            for prior, batch in zip(priors[start], batches):
                for count, code, values in refiner.trajectory(prior, batch["lr"], checkpoints):
                    per_step[count].append(judged(refiner.draw(code), batch))
                    for name, value in values.items():
                        terms[count][name].append(np.asarray(value))
            seconds = time.perf_counter() - began
            for count in checkpoints:
                row = {"start": start, **dataclasses.asdict(dataclasses.replace(setting, steps=count)),
                       **summary(per_step[count]),
                       **{name: float(np.mean(np.concatenate(v))) for name, v in terms[count].items()},
                       "seconds_whole_search": seconds}
                results["rows"].append(row)
                print(f"| {start} | {setting.target} | {setting.learning_rate:g} | {setting.prior_weight:g} | {count} | "
                      f"{row['psnr']:.2f} | {100 * row['C_i']:.1f}% | {100 * row['C_g']:.1f}% | "
                      f"{row['consistency']:.4f} | {row['prior']:.4f} | {seconds:.0f} |", flush=True)
    if FLAGS.output:
        with open(FLAGS.output, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    app.run(main)
