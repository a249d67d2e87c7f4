"""What the paper's recipe costs: FLOPs per stage and the time at a given sustained rate.

  python experiments/paper_budget.py [--preset=paper] [--tflops=50] [--train_frames=2000000]

The cost model is `ears_tf.train.budget` (the one `--stage=all`'s run ETA uses): each
model's analytic forward GFLOP per image (`models.flops.forward_gflop`), and per stage step 3x forward for
a trained network, 2x for a frozen one gradients pass through, 1x for a target. Time =
FLOPs / the sustained rate, a planning estimate, not a measurement: no GPU was available
to measure one here.
"""
from absl import app, flags

flags.DEFINE_string("preset", "paper", "Preset whose models and budgets to cost.")
flags.DEFINE_float("tflops", 50.0, "Sustained float32/TF32 TFLOP/s assumed for the GPU.")
flags.DEFINE_integer("train_frames", 2_000_000, "Frames in d1 + d2 (paper: about 2M), for the classifiers' epochs.")
flags.DEFINE_integer("speakers", 4000, "Speaker classes of C_i (paper: about 4K).")
FLAGS = flags.FLAGS


def main(argv):
    del argv
    from ears_tf import config
    from ears_tf.train import budget, registry

    cfg = config.get_preset(FLAGS.preset)
    print(f"forward cost per image, preset {FLAGS.preset}:")
    costs = budget.model_costs(cfg, FLAGS.speakers)
    for name, gflop in costs.items():
        print(f"  {name}: {gflop:.2f} GFLOP per forward", flush=True)
    rows = []
    for run in registry.ALL_RUNS:
        name = run.entry.name
        if name == "classifiers":
            images = cfg.train.classifier_epochs * FLAGS.train_frames
        else:
            stage_budget = registry.budget(run.entry, cfg, data_dir=None)
            images = stage_budget.steps * stage_budget.batch_size
        label = f"fusion {run.variant.name}" if run.variant else name
        rows.append((label, images, budget.step_gflop_per_image(name, costs, cfg, run.variant)))
    rate = FLAGS.tflops * 1e12
    print(f"\n| stage | images | GFLOP / image | PFLOP | hours at {FLAGS.tflops:g} TFLOP/s |")
    print("|---|---|---|---|---|")
    total_hours = 0.0
    for name, images, gflop in rows:
        pflop = images * gflop / 1e6
        hours = pflop * 1e15 / rate / 3600
        total_hours += hours
        print(f"| {name} | {images:,} | {gflop:.1f} | {pflop:,.0f} | {hours:,.1f} |")
    print(f"| all | | | | {total_hours:,.0f} |")


if __name__ == "__main__":
    app.run(main)
