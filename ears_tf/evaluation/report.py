"""report.json, report.md and figures/: the checks the paper's claims imply, the markdown, atomic writing."""
from __future__ import annotations

import json
import os
import shutil
import tempfile

from ears_tf.evaluation import paper
from ears_tf.visualize import save_png

TABLE1_LABELS = {
    "hr": "HR test images", "e_h": "(a) E_h only", "e_l": "(b) E_l only", "e_a": "(c) E_a only",
    "f_ft": "(d) F + fine-tuned E_a", "f3_ft": "(e) F3 + fine-tuned E_a", "f_fixed": "(f) F + fixed E_a",
}
TABLE2_LABELS = {"bicubic": "Bicubic 16x", "cnn": "CNN baseline 16x", "f": "Ours F 16x", "f3": "Ours F3 16x"}
# What the paper's section 4.3 reports, as checks on our numbers (issue 5's list).
CLASSIFIER_IDENTITY_MIN = 0.9
CLASSIFIER_GENDER_MIN = 0.98


def claims(result: dict) -> dict:
    """{claim: true/false} for the relations the paper reports between the rows."""
    t1 = result["table1"]
    return {
        f"C_i on HR test images >= {CLASSIFIER_IDENTITY_MIN}": t1["hr"]["C_i"] >= CLASSIFIER_IDENTITY_MIN,
        f"C_g on HR test images >= {CLASSIFIER_GENDER_MIN}": t1["hr"]["C_g"] >= CLASSIFIER_GENDER_MIN,
        "C_g: (c) E_a only above (b) E_l only": t1["e_a"]["C_g"] > t1["e_l"]["C_g"],
        "C_i: (d) above (b) and (c)": t1["f_ft"]["C_i"] > max(t1["e_l"]["C_i"], t1["e_a"]["C_i"]),
        "C_i: (e) above (b) and (c)": t1["f3_ft"]["C_i"] > max(t1["e_l"]["C_i"], t1["e_a"]["C_i"]),
        "C_i: (d) above (f)": t1["f_ft"]["C_i"] > t1["f_fixed"]["C_i"],
        "C_g: (d) above (f)": t1["f_ft"]["C_g"] > t1["f_fixed"]["C_g"],
        "audio swap: predicted gender follows the audio in over 50%": result["audio_swap"]["follows_audio"] > 0.5,
    }


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
    lines += [f"- {'holds' if holds else '**does not hold**'}: {claim}" for claim, holds in result["claims"].items()]
    lines += [
        "",
        "## Figures",
        "",
        "- `figures/ablation.png`: Table 1's ablations on test examples (paper fig. 3)",
        "- `figures/comparison.png`: bicubic, the CNN baseline and ours (paper fig. 4)",
        "- `figures/audio_mixing.png`: LR faces fused with other speakers' voices (paper fig. 5)",
        "",
    ]
    return "\n".join(lines)


def write(output, result: dict, pictures: dict) -> None:
    """Writes report.json, report.md and figures/NAME into `output`, all or nothing: everything is
    written to a temporary folder beside it first, then moved into place."""
    output = os.path.abspath(os.fspath(output))
    parent = os.path.dirname(output)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".partial-evaluation-", dir=parent)
    try:
        with open(os.path.join(staging, "report.json"), "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
        with open(os.path.join(staging, "report.md"), "w", encoding="utf-8") as f:
            f.write(markdown(result))
        for name, picture in pictures.items():
            save_png(os.path.join(staging, "figures", name), picture)
        os.makedirs(os.path.join(output, "figures"), exist_ok=True)
        for name in pictures:
            os.replace(os.path.join(staging, "figures", name), os.path.join(output, "figures", name))
        for name in ("report.md", "report.json"):  # report.json last: its presence means complete
            os.replace(os.path.join(staging, name), os.path.join(output, name))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def summary(result: dict, output) -> str:
    """A few lines for the terminal: the headline numbers, the claims and where the report is."""
    t1, t2 = result["table1"], result["table2"]
    lines = [f"evaluated {result['n_test']} test examples"]
    lines += [f"  {TABLE1_LABELS[row]:24s} C_i {t1[row]['C_i']:.3f}  C_g {t1[row]['C_g']:.3f}" for row in t1]
    lines += [f"  {TABLE2_LABELS[row]:24s} PSNR {t2[row]['psnr']:.2f}  SSIM {t2[row]['ssim']:.3f}" for row in t2]
    swap = result["audio_swap"]
    lines.append(f"  audio swap: the gender follows the audio in {swap['follows_audio']:.3f} of {swap['n']}")
    failed = [claim for claim, holds in result["claims"].items() if not holds]
    lines.append(f"  paper's claims: {len(result['claims']) - len(failed)} of {len(result['claims'])} hold"
                 + (f"; not: {'; '.join(failed)}" if failed else ""))
    lines.append(f"  wrote {os.path.join(os.fspath(output), 'report.json')}, report.md and figures/")
    return "\n".join(lines)
