"""What the paper's recipe costs: FLOPs per stage and the time at a given sustained rate.

  python experiments/paper_budget.py [--preset=paper] [--tflops=50] [--train_frames=2000000]

Each model's forward GFLOP per image comes from its traced graph (TensorFlow's
profiler counts every op; for G it is within 3% of the analytic 36.5 GFLOP of
`models.flops`, the rest being element-wise work). A stage's step per image adds:
3x forward for a trained network (forward and a backward twice its cost), 2x for a
frozen one that gradients pass through (forward and input gradients), 1x for a frozen
one that only makes targets. The `stylegan` step is `flops.training_step_flops`
(R1, on one step in 16, not counted). Time = FLOPs / the sustained rate, a
planning estimate, not a measurement: no GPU was available to measure one here.
"""
import gc

from absl import app, flags

flags.DEFINE_string("preset", "paper", "Preset whose models and budgets to cost.")
flags.DEFINE_float("tflops", 50.0, "Sustained float32/TF32 TFLOP/s assumed for the GPU.")
flags.DEFINE_integer("train_frames", 2_000_000, "Frames in d1 + d2 (paper: about 2M), for the classifiers' epochs.")
flags.DEFINE_integer("speakers", 4000, "Speaker classes of C_i (paper: about 4K).")
FLAGS = flags.FLAGS


def forward_gflop(build) -> float:
    """GFLOP of one forward pass at batch 1; `build` returns (callable, input specs)."""
    from ears_tf.models.flops import graph_flops

    fn, specs = build()
    total = graph_flops(fn, specs)
    del fn
    gc.collect()
    return total / 1e9


def model_costs(preset: str, speakers: int) -> dict:
    import keras
    import tensorflow as tf

    from ears_tf import config, models

    cfg = config.get_preset(preset).model
    hr = tf.TensorSpec([1, cfg.hr_size, cfg.hr_size, 3])
    lr = tf.TensorSpec([1, cfg.lr_size, cfg.lr_size, 3])
    code = tf.TensorSpec([1, cfg.num_styles, cfg.latent_dim])
    wave = tf.TensorSpec([1, cfg.audio.num_samples])

    def built(model, shape):
        model.build(shape)
        return model

    builders = {
        "G": lambda: ((lambda m: (lambda z: m(z, noise_mode="off")))(models.Generator(cfg)), [code]),
        "E_h": lambda: (built(models.HighResEncoder(cfg), (None, cfg.hr_size, cfg.hr_size, 3)), [hr]),
        "E_l": lambda: (built(models.LowResEncoder(cfg), (None, cfg.lr_size, cfg.lr_size, 3)), [lr]),
        "E_a": lambda: (built(models.AudioEncoder(cfg), (None, cfg.audio.num_samples)), [wave]),
        "F": lambda: ((lambda m: (lambda a, b: m(a, b)))(models.Fusion(cfg, num_layers=1)), [code, code]),
        "F3": lambda: ((lambda m: (lambda a, b: m(a, b)))(models.Fusion(cfg, num_layers=3)), [code, code]),
        "VGG16": lambda: (keras.applications.VGG16(weights=None, include_top=False,
                                                   input_shape=(cfg.hr_size, cfg.hr_size, 3)), [hr]),
        "C_i": lambda: (built(models.FaceClassifier(speakers, *cfg.identity_classifier_filters),
                              (None, cfg.hr_size, cfg.hr_size, 3)), [hr]),
        "C_g": lambda: (built(models.FaceClassifier(2, *cfg.gender_classifier_filters),
                              (None, cfg.hr_size, cfg.hr_size, 3)), [hr]),
        "SR": lambda: (built(models.SRBaseline(cfg), (None, cfg.lr_size, cfg.lr_size, 3)), [lr]),
    }
    costs = {}
    for name, build in builders.items():
        costs[name] = forward_gflop(build)
        print(f"  {name}: {costs[name]:.2f} GFLOP per forward", flush=True)
    return costs


def main(argv):
    del argv
    from ears_tf import config
    from ears_tf.models import flops

    cfg = config.get_preset(FLAGS.preset)
    print(f"forward cost per image, preset {FLAGS.preset}:")
    c = model_costs(FLAGS.preset, FLAGS.speakers)
    train = cfg.train
    stylegan = flops.training_step_flops(cfg.model) / 1e9
    # (stage, images processed, GFLOP per image per step)
    rows = [
        ("stylegan", train.stylegan.steps * train.stylegan.batch_size, stylegan),
        ("encoder_hr", train.encoder_hr.steps * train.encoder_hr.batch_size, 3 * c["E_h"] + 2 * c["G"] + 3 * c["VGG16"]),
        ("pretrain_lowres", train.pretrain_lowres.steps * train.pretrain_lowres.batch_size,
         3 * c["E_l"] + c["E_h"] + 2 * c["G"]),
        ("pretrain_audio", train.pretrain_audio.steps * train.pretrain_audio.batch_size, 3 * c["E_a"] + 2 * c["E_h"]),
    ]
    fusion_images = train.fusion.steps * train.fusion.batch_size
    common = c["E_l"] + c["E_h"] + 2 * c["G"]
    rows += [
        ("fusion f1_finetune", fusion_images, common + 3 * c["E_a"] + 3 * c["F"]),
        ("fusion f3_finetune", fusion_images, common + 3 * c["E_a"] + 3 * c["F3"]),
        ("fusion f1_fixed", fusion_images, common + c["E_a"] + 3 * c["F"]),
        ("classifiers", train.classifier_epochs * FLAGS.train_frames, 3 * (c["C_i"] + c["C_g"])),
        ("sr_baseline", train.sr_baseline.steps * train.sr_baseline.batch_size, 3 * c["SR"]),
    ]
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
