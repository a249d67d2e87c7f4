"""report.json, report.md and figures/: the checks the paper's claims imply, the markdown, atomic writing."""
from __future__ import annotations

import os

import numpy as np

from ears_tf import variants
from ears_tf.evaluation.bootstrap import bootstrap_interval, paired_difference_interval
from ears_tf.evaluation import paper
from ears_tf.visualize import save_png
from ears_tf.workdir.atomic import staged_folder, write_json, write_text

TABLE1_LABELS = {"hr": "HR test images", "e_h": "(a) E_h only", **{v.name: v.label for v in variants.VARIANTS}}
TABLE2_LABELS = {"bicubic": "Bicubic 16x", "cnn": "CNN baseline 16x", variants.F1_FINETUNE.name: "Ours F 16x",
                 variants.F3_FINETUNE.name: "Ours F3 16x"}
# What the paper's section 4.3 reports, as checks on our numbers (issue 5's list).
CLASSIFIER_IDENTITY_MIN = 0.9
CLASSIFIER_GENDER_MIN = 0.98


HOLDS, FAILS, UNRESOLVED = "holds", "does not hold", "not resolved at this sample size"


def _verdict_above(low: float, high: float, threshold: float, strict: bool) -> str:
    if low > threshold or (not strict and low >= threshold):
        return HOLDS
    if high < threshold or (strict and high <= threshold):
        return FAILS
    return UNRESOLVED


def _threshold_claim(values, threshold: float, samples: int, seed: int) -> dict:
    """A share that must reach `threshold`: judged by its 95% interval."""
    low, high = bootstrap_interval(values, samples, seed=seed)
    return {"verdict": _verdict_above(low, high, threshold, strict=False), "estimate": float(np.mean(values)),
            "interval": [low, high]}


def _above_claim(row, others: tuple, scores: dict, samples: int, seed: int) -> dict:
    """`row` above each of `others` on the same test examples: judged by the paired 95% interval
    of each difference; it holds when every difference lies above zero."""
    differences, verdicts = {}, []
    for other in others:
        low, high = paired_difference_interval(scores[row], scores[other], samples, seed=seed)
        differences[other] = {"estimate": float(np.mean(scores[row]) - np.mean(scores[other])), "interval": [low, high]}
        verdicts.append(_verdict_above(low, high, 0.0, strict=True))
    verdict = FAILS if FAILS in verdicts else (HOLDS if all(v == HOLDS for v in verdicts) else UNRESOLVED)
    return {"verdict": verdict, "differences": differences}


def claims(identity_correct: dict, gender_correct: dict, follows_audio, samples: int, seed: int) -> dict:
    """{claim: {"verdict", intervals}} for the relations the paper reports between the rows.

    Per-example 0/1 scores of each row on the same test examples. A comparison holds only when
    the paired bootstrap interval of the difference lies above zero and fails when it lies at or
    below zero; a threshold claim holds when its interval's lower bound reaches the threshold and
    fails when its upper bound is under it; otherwise it is not resolved at this sample size.
    """
    lowres, audio = variants.LOWRES_ONLY.name, variants.AUDIO_ONLY.name
    f1, f3, fixed = variants.F1_FINETUNE.name, variants.F3_FINETUNE.name, variants.F1_FIXED.name
    return {
        f"C_i on HR test images >= {CLASSIFIER_IDENTITY_MIN}":
            _threshold_claim(identity_correct["hr"], CLASSIFIER_IDENTITY_MIN, samples, seed),
        f"C_g on HR test images >= {CLASSIFIER_GENDER_MIN}":
            _threshold_claim(gender_correct["hr"], CLASSIFIER_GENDER_MIN, samples, seed),
        "C_g: (c) E_a only above (b) E_l only": _above_claim(audio, (lowres,), gender_correct, samples, seed),
        "C_i: (d) above (b) and (c)": _above_claim(f1, (lowres, audio), identity_correct, samples, seed),
        "C_i: (e) above (b) and (c)": _above_claim(f3, (lowres, audio), identity_correct, samples, seed),
        "C_i: (d) above (f)": _above_claim(f1, (fixed,), identity_correct, samples, seed),
        "C_g: (d) above (f)": _above_claim(f1, (fixed,), gender_correct, samples, seed),
        "audio swap: predicted gender follows the audio in over 50%":
            _threshold_claim(follows_audio, 0.5, samples, seed),
    }


REFINEMENT_LABELS = {"refined_lowres_only": "(i) refined from E_l, no voice prior",
                     "refined_f1_finetune": "(ii) refined from F, the voice's prior"}


def refinement_comparisons(psnr: dict, identity_correct: dict, gender_correct: dict, samples: int, seed: int) -> dict:
    """Test-time refinement's questions, each a paired difference on the same test examples: does
    refined F beat F itself, bicubic and the CNN baseline in PSNR (each its own verdict), keep F's
    C_g, and beat the refinement without the voice on C_i and C_g."""
    f1, lowres, fused = variants.F1_FINETUNE.name, "refined_lowres_only", "refined_f1_finetune"
    return {
        "PSNR: (ii) above F": _above_claim(fused, (f1,), psnr, samples, seed),
        "PSNR: (ii) above bicubic": _above_claim(fused, ("bicubic",), psnr, samples, seed),
        "PSNR: (ii) above the CNN baseline": _above_claim(fused, ("cnn",), psnr, samples, seed),
        "C_g: (ii) above F": _above_claim(fused, (f1,), gender_correct, samples, seed),
        "C_i: (ii) above (i)": _above_claim(fused, (lowres,), identity_correct, samples, seed),
        "C_g: (ii) above (i)": _above_claim(fused, (lowres,), gender_correct, samples, seed),
    }


def _refinement_lines(refinement: dict) -> list:
    options = refinement["options"]
    lines = ["", "## Test-time refinement", "",
             f"Each code ({options['target']}) refined by {options['steps']} Adam steps (step {options['learning_rate']}) on the LR "
             f"consistency through the authors' operator plus {options['prior_weight']} x the squared distance to "
             "the code it started from (`ears_tf/refine.py`); not in the paper.", ""]
    rows = [[REFINEMENT_LABELS[row], f"{r['psnr']:.2f}", f"{r['ssim']:.3f}", _percent(r["C_i"]), _interval(r["C_i_ci"]),
             _percent(r["C_g"]), _interval(r["C_g_ci"])] for row, r in refinement["rows"].items()]
    lines += _table(["method", "PSNR", "SSIM", "C_i", "95% CI", "C_g", "95% CI"], rows)
    lines += ["", "Paired bootstrap 95% intervals of each difference (PSNR in dB, accuracies in points):", ""]
    for question, judged in refinement["comparisons"].items():
        unit, scale = (" dB", 1.0) if question.startswith("PSNR") else (" points", 100.0)
        detail = "; ".join(f"minus {TABLE2_LABELS.get(other) or TABLE1_LABELS.get(other) or REFINEMENT_LABELS[other]}: "
                           f"{scale * d['estimate']:+.2f}{unit} [{scale * d['interval'][0]:+.2f}, "
                           f"{scale * d['interval'][1]:+.2f}]" for other, d in judged["differences"].items())
        verdict = judged["verdict"] if judged["verdict"] == HOLDS else f"**{judged['verdict']}**"
        lines.append(f"- {verdict}: {question} ({detail})")
    return lines


def _percent(value) -> str:
    return f"{100.0 * value:.2f}%"


def _interval(values) -> str:
    low, high = values
    return f"[{100.0 * low:.1f}, {100.0 * high:.1f}]"


def _table(header: list, rows: list) -> list:
    """Markdown table lines."""
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows]


def markdown(result: dict) -> str:
    n = result["n_test"]
    data = result["data"]
    lines = [
        "# ears_tf evaluation",
        "",
        f"{result['date']}; {n} test examples ({result['n_speakers']} speakers) from `{data['path']}` "
        f"({data['source']}, preset {data['preset']}); models from `{result['workdir']}`.",
        "Accuracies with 95% bootstrap intervals over test examples. **Paper** columns: the paper's numbers "
        "on VoxCeleb2, not ours.",
        "",
        "## Table 1: accuracy of C_i and C_g on generated HR test images",
        "",
    ]
    table1 = []
    for row, label in TABLE1_LABELS.items():
        ours, theirs = result["table1"][row], paper.TABLE1[row]
        table1.append([label, _percent(ours["C_i"]), _interval(ours["C_i_ci"]), _percent(ours["C_g"]),
                       _interval(ours["C_g_ci"]), _percent(theirs["C_i"]), _percent(theirs["C_g"])])
    lines += _table(["ablation", "C_i", "95% CI", "C_g", "95% CI", "paper C_i", "paper C_g"], table1)
    lines += [
        "",
        "## Table 2: 16x super-resolution",
        "",
        "The CNN baseline is our LapSRN-like network; the paper's row is LapSRN 16x.",
        "",
    ]
    table2 = []
    for row, label in TABLE2_LABELS.items():
        ours, theirs = result["table2"][row], paper.TABLE2[row]
        table2.append([label, f"{ours['psnr']:.2f}", f"{ours['ssim']:.3f}", _percent(ours["C_i"]), _percent(ours["C_g"]),
                       f"{theirs['psnr']:.2f}", f"{theirs['ssim']:.2f}", _percent(theirs["C_i"]), _percent(theirs["C_g"])])
    lines += _table(["method", "PSNR", "SSIM", "C_i", "C_g", "paper PSNR", "paper SSIM", "paper C_i", "paper C_g"],
                    table2)
    swap = result["audio_swap"]
    lines += [
        "",
        "## Audio swap",
        "",
        f"Test LR frames fused (model {swap['model']}) with the voice of a speaker of the other gender: the "
        f"predicted gender follows the audio in **{_percent(swap['follows_audio'])}** "
        f"{_interval(swap['follows_audio_ci'])} of {swap['n']} outputs "
        f"(paper: {_percent(paper.AUDIO_SWAP['follows_audio'])} of {paper.AUDIO_SWAP['n']}).",
        "",
        "## The paper's claims on these numbers",
        "",
    ]
    lines += ["Each comparison is judged by the paired bootstrap 95% interval of the difference on the same "
              "test examples, each threshold by the interval of the share:", ""]
    for claim, judged in result["claims"].items():
        verdict = judged["verdict"] if judged["verdict"] == HOLDS else f"**{judged['verdict']}**"
        if "interval" in judged:
            detail = f"{_percent(judged['estimate'])} {_interval(judged['interval'])}"
        else:
            detail = "; ".join(f"minus {TABLE1_LABELS[other]}: {100 * d['estimate']:+.2f} points "
                               f"[{100 * d['interval'][0]:+.1f}, {100 * d['interval'][1]:+.1f}]"
                               for other, d in judged["differences"].items())
        lines.append(f"- {verdict}: {claim} ({detail})")
    if "refinement" in result:
        lines += _refinement_lines(result["refinement"])
    lines += [
        "",
        "## Figures",
        "",
        "- `figures/ablation.png`: Table 1's ablations on test examples (paper fig. 3)",
        "- `figures/comparison.png`: bicubic, the CNN baseline and ours (paper fig. 4)",
        "- `figures/audio_mixing.png`: LR faces fused with other speakers' voices (paper fig. 5)",
    ]
    if "refinement" in result:
        lines.append("- `figures/refinement.png`: LR input, F, and the two refinements, beside the HR face")
    lines.append("")
    return "\n".join(lines)


def write(output, result: dict, pictures: dict) -> None:
    """Writes report.json, report.md and figures/NAME into `output`, all or nothing (report.json
    last: its presence means the report is complete)."""
    with staged_folder(output, last=("report.json",)) as staging:
        write_json(os.path.join(staging, "report.json"), result)
        write_text(os.path.join(staging, "report.md"), markdown(result))
        for name, picture in pictures.items():
            save_png(os.path.join(staging, "figures", name), picture)


def summary(result: dict, output) -> str:
    """A few lines for the terminal: the headline numbers, the claims and where the report is."""
    t1, t2 = result["table1"], result["table2"]
    lines = [f"evaluated {result['n_test']} test examples"]
    lines += [f"  {TABLE1_LABELS[row]:24s} C_i {t1[row]['C_i']:.3f}  C_g {t1[row]['C_g']:.3f}" for row in t1]
    lines += [f"  {TABLE2_LABELS[row]:24s} PSNR {t2[row]['psnr']:.2f}  SSIM {t2[row]['ssim']:.3f}" for row in t2]
    for row, r in result.get("refinement", {}).get("rows", {}).items():
        lines.append(f"  {REFINEMENT_LABELS[row]:24s} PSNR {r['psnr']:.2f}  C_i {r['C_i']:.3f}  C_g {r['C_g']:.3f}")
    swap = result["audio_swap"]
    lines.append(f"  audio swap: the gender follows the audio in {swap['follows_audio']:.3f} of {swap['n']}")
    verdicts = {claim: judged["verdict"] for claim, judged in result["claims"].items()}
    held = sum(v == HOLDS for v in verdicts.values())
    lines.append(f"  paper's claims: {held} of {len(verdicts)} hold"
                 + "".join(f"; {v}: {c}" for c, v in verdicts.items() if v != HOLDS))
    lines.append(f"  wrote {os.path.join(os.fspath(output), 'report.json')}, report.md and figures/")
    return "\n".join(lines)
