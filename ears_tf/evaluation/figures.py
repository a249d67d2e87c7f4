"""The evaluation's figures as PNG-ready uint8 arrays: paper figs. 3, 4 and 5."""
from __future__ import annotations

import numpy as np

from ears_tf import variants
from ears_tf.visualize import figure_size, labelled_rows, nearest_upsample

GENDER_NAMES = {0: "female", 1: "male"}


def ablation(examples: dict, count: int, hr_size: int) -> np.ndarray:
    """Fig. 3: per test example (columns), the LR input, the ablations (a) to (f) and the HR face."""
    rows = ["lr", "e_h", *variants.VARIANT_NAMES, "hr"]
    labels = ["LR input", "(a) E_h only", *(v.label for v in variants.VARIANTS), "HR"]
    return labelled_rows([examples[row][:count] for row in rows], labels, figure_size(hr_size))


def comparison(examples: dict, count: int, hr_size: int) -> np.ndarray:
    """Fig. 4: the LR input, bicubic 16x, the CNN baseline 16x, ours F and F3, and the HR face."""
    rows = ["lr", "bicubic", "cnn", variants.F1_FINETUNE.name, variants.F3_FINETUNE.name, "hr"]
    labels = ["LR input", "bicubic 16x", "CNN 16x", "ours F", "ours F3", "HR"]
    return labelled_rows([examples[row][:count] for row in rows], labels, figure_size(hr_size))


def pick_voices(speaker: np.ndarray, gender: np.ndarray, count: int) -> np.ndarray:
    """Indices of up to `count` examples of distinct speakers, alternating female and male."""
    by_gender = {0: [], 1: []}
    seen = set()
    for index, (s, g) in enumerate(zip(speaker, gender)):
        if s not in seen and g in by_gender:
            seen.add(s)
            by_gender[int(g)].append(index)
    picked = []
    for pair in zip(by_gender[0], by_gender[1]):
        picked.extend(pair)
    if len(picked) < count:  # one gender short: fill with the other
        picked.extend(i for i in by_gender[0] + by_gender[1] if i not in picked)
    return np.array(picked[:count], dtype=np.int64)


def mixing(lr, e_l, fused: list, voice_faces, voice_genders, hr_size: int) -> np.ndarray:
    """Fig. 5: header row = the faces whose voices are used; then per LR face: LR, E_l only,
    and the fused output with each voice."""
    blank = np.ones((2,) + voice_faces.shape[1:], np.float32)  # white above the LR and E_l columns
    rows = [np.concatenate([blank, voice_faces])]
    labels = ["voice of: " + " ".join(GENDER_NAMES.get(int(g), "?")[0] for g in voice_genders)]
    for i in range(len(lr)):
        rows.append(np.concatenate([nearest_upsample(lr[i:i + 1], hr_size), e_l[i:i + 1], fused[i]]))
        labels.append(f"LR {i + 1} | E_l | fused")
    return labelled_rows(rows, labels, figure_size(hr_size))


def refinement(examples: dict, count: int, hr_size: int) -> np.ndarray:
    """Test-time refinement: the LR input, F, E_l's code refined (no voice), F's code refined (the
    voice's prior), and the HR face."""
    rows = ["lr", variants.F1_FINETUNE.name, "refined_lowres_only", "refined_f1_finetune", "hr"]
    labels = ["LR input", "ours F", "refined from E_l (no voice)", "refined from F (voice prior)", "HR"]
    return labelled_rows([examples[row][:count] for row in rows], labels, figure_size(hr_size))
