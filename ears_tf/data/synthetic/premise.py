"""Measures the method's premise on a records folder, with simple linear classifiers.

The premise (paper section 1): the voice tells gender; a 16x-downsampled face does
not, though the HR face does and also tells who the person is. Each claim is
checked with multinomial logistic regression on hand-made features:
  voice   mean and spread over time of each LogSpectrogram frequency bin
  LR      the LR pixels exactly as the model gets them
  HR      colour on an 8x8 grid, plus high-pass and gradient energy on 4x4 and 8x8 grids
Gender is scored on speakers the classifier never saw (k-fold over speakers), so a
classifier cannot learn gender by recognising people; speaker identity is scored
on the test split's videos, which no training example comes from.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import scipy.optimize

from ears_tf.config import AudioConfig
from ears_tf.data import pipeline, records

GRID = 8
FOLDS = 5


@dataclasses.dataclass(frozen=True)
class PremiseReport:
    voice_gender: float
    lr_gender: float
    hr_gender: float
    hr_speaker: float
    speaker_chance: float
    examples: int
    speakers: int

    def lines(self) -> list[str]:
        return [
            f"gender from the voice          {self.voice_gender:.3f}  (speaker-disjoint {FOLDS}-fold)",
            f"gender from the 16x LR image   {self.lr_gender:.3f}  (speaker-disjoint {FOLDS}-fold)",
            f"gender from the HR image       {self.hr_gender:.3f}  (speaker-disjoint {FOLDS}-fold)",
            f"speaker from the HR image      {self.hr_speaker:.3f}  (test videos; chance {self.speaker_chance:.3f})",
            f"{self.examples} examples, {self.speakers} speakers",
        ]


def _grid_mean(values: np.ndarray, grid: int) -> np.ndarray:
    """[N, S, S, C] -> [N, grid * grid * C] block means."""
    n, size, _, channels = values.shape
    cell = size // grid
    blocks = values[:, : cell * grid, : cell * grid].reshape(n, grid, cell, grid, cell, channels)
    return blocks.mean(axis=(2, 4)).reshape(n, -1)


def hr_features(hr: np.ndarray) -> np.ndarray:
    """[N, S, S, 3] in [-1, 1] -> colour layout, fine-detail energy and edge energy per cell."""
    grey = hr.mean(axis=-1)
    padded = np.pad(grey, [(0, 0), (1, 1), (1, 1)], mode="edge")
    local_mean = sum(padded[:, i:i + grey.shape[1], j:j + grey.shape[2]] for i in range(3) for j in range(3)) / 9.0
    detail = np.abs(grey - local_mean)[..., None]
    grad_y = np.abs(np.diff(grey, axis=1, append=grey[:, -1:]))[..., None]
    grad_x = np.abs(np.diff(grey, axis=2, append=grey[:, :, -1:]))[..., None]
    texture = [_grid_mean(t, grid) for t in (detail, grad_x, grad_y) for grid in (GRID // 2, GRID)]
    return np.concatenate([_grid_mean(hr, GRID)] + texture, axis=1)


def voice_features(log_spectrogram: np.ndarray) -> np.ndarray:
    """[N, T, F, 1] LogSpectrogram output -> per-bin mean and standard deviation over time."""
    spec = log_spectrogram[..., 0]
    return np.concatenate([spec.mean(axis=1), spec.std(axis=1)], axis=1)


def fit_logistic(features: np.ndarray, labels: np.ndarray, num_classes: int, l2: float = 1e-2):
    """Multinomial logistic regression (L-BFGS); returns a predict function."""
    mean, std = features.mean(0), features.std(0) + 1e-6
    x = np.concatenate([(features - mean) / std, np.ones((len(features), 1))], axis=1)
    onehot = np.eye(num_classes)[labels]
    shape = (x.shape[1], num_classes)

    def loss_and_grad(flat):
        w = flat.reshape(shape)
        logits = x @ w
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        loss = -np.mean(np.sum(onehot * np.log(probs + 1e-12), axis=1)) + 0.5 * l2 * np.sum(w[:-1] ** 2)
        grad = x.T @ (probs - onehot) / len(x)
        grad[:-1] += l2 * w[:-1]
        return loss, grad.ravel()

    result = scipy.optimize.minimize(
        loss_and_grad, np.zeros(np.prod(shape)), jac=True, method="L-BFGS-B", options={"maxiter": 500}
    )
    weights = result.x.reshape(shape)

    def predict(new_features):
        z = np.concatenate([(new_features - mean) / std, np.ones((len(new_features), 1))], axis=1)
        return np.argmax(z @ weights, axis=1)

    return predict


def speaker_kfold_accuracy(features, labels, speakers, folds: int = FOLDS, seed: int = 0) -> float:
    """Binary accuracy with every speaker's examples tested by a model that never saw them."""
    unique = np.unique(speakers)
    fold_of = dict(zip(np.random.default_rng(seed).permutation(unique), np.arange(len(unique)) % folds))
    fold = np.array([fold_of[s] for s in speakers])
    correct = 0
    for k in range(folds):
        test = fold == k
        if not test.any():
            continue
        predict = fit_logistic(features[~test], labels[~test], 2)
        correct += int(np.sum(predict(features[test]) == labels[test]))
    return correct / len(labels)


def _collect(data_dir, split: str, batch_size: int, audio: AudioConfig):
    from ears_tf.layers import LogSpectrogram

    spectrogram = LogSpectrogram(audio.frame_length, audio.frame_step, audio.log_offset)
    options = pipeline.PipelineOptions(batch_size=batch_size, training=False, drop_remainder=False)
    parts = {"hr": [], "lr": [], "voice": [], "speaker": [], "gender": []}
    for batch in pipeline.make_dataset(data_dir, split, options, audio):
        parts["hr"].append(hr_features(batch["hr"].numpy()))
        parts["lr"].append(batch["lr"].numpy().reshape(len(batch["lr"]), -1))
        parts["voice"].append(voice_features(spectrogram(batch["waveform"]).numpy()))
        parts["speaker"].append(batch["speaker"].numpy())
        parts["gender"].append(batch["gender"].numpy())
    return {name: np.concatenate(values) for name, values in parts.items()}


def measure(data_dir, batch_size: int = 128, audio: AudioConfig = AudioConfig()) -> PremiseReport:
    manifest = records.Manifest.load(data_dir)
    splits = {split: _collect(data_dir, split, batch_size, audio) for split in records.SPLITS}
    every = {name: np.concatenate([splits[s][name] for s in records.SPLITS]) for name in splits["d1"]}
    if np.any(every["gender"] < 0):
        raise ValueError("the premise check needs gender labels on every record")
    gender, speaker = every["gender"], every["speaker"]

    train = {name: np.concatenate([splits["d1"][name], splits["d2"][name]]) for name in every}
    predict_speaker = fit_logistic(train["hr"], train["speaker"], manifest.num_speakers)
    hr_speaker = float(np.mean(predict_speaker(splits["test"]["hr"]) == splits["test"]["speaker"]))
    return PremiseReport(
        voice_gender=speaker_kfold_accuracy(every["voice"], gender, speaker),
        lr_gender=speaker_kfold_accuracy(every["lr"], gender, speaker),
        hr_gender=speaker_kfold_accuracy(every["hr"], gender, speaker),
        hr_speaker=hr_speaker,
        speaker_chance=1.0 / manifest.num_speakers,
        examples=len(gender),
        speakers=manifest.num_speakers,
    )
