"""Losses as pure functions of tensors; gradient tapes live in each stage's train step.

StyleGAN's (Karras et al. 2019, `loss.py`): the non-saturating logistic loss for G,
the logistic loss for D and the R1 penalty on real images. The encoder and fusion
losses of the paper's eqs. 1 to 4: L1 between latent codes, squared error between
images, and a perceptual loss on lists of feature maps. For the evaluation's models:
L1 between images (the CNN baseline) and cross-entropy (C_i, C_g).

Every loss computes in float32, whatever precision the models ran in (ears_tf/precision.py).
"""
import keras
from keras import ops


def _f32(*tensors):
    return [ops.cast(t, "float32") for t in tensors]


def g_nonsaturating(fake_logits):
    """-log sigmoid(D(G(z))), averaged over the batch."""
    (fake_logits,) = _f32(fake_logits)
    return ops.mean(ops.softplus(-fake_logits))


def d_logistic(real_logits, fake_logits):
    """-log(1 - sigmoid(D(G(z)))) - log sigmoid(D(x)), averaged over the batch."""
    real_logits, fake_logits = _f32(real_logits, fake_logits)
    return ops.mean(ops.softplus(fake_logits)) + ops.mean(ops.softplus(-real_logits))


def r1_penalty(real_gradients, gamma: float):
    """gamma / 2 * E ||grad_x D(x)||^2, from the gradients of D's logits w.r.t. real images."""
    (real_gradients,) = _f32(real_gradients)
    return 0.5 * gamma * ops.mean(ops.sum(ops.square(real_gradients), axis=(1, 2, 3)))


def latent_l1(predicted, target):
    """|E(x) - z|_1 of eqs. 2 to 4, averaged over batch, layers and dimensions."""
    predicted, target = _f32(predicted, target)
    return ops.mean(ops.abs(predicted - target))


def image_mse(predicted, target):
    """|x' - x|_2^2 of eqs. 2 and 4 (and eq. 1's pixel term), averaged over pixels and channels."""
    predicted, target = _f32(predicted, target)
    return ops.mean(ops.square(predicted - target))


def perceptual(fake_features, real_features, epsilon: float = 1e-8):
    """Eq. 1's feature loss: per feature map, the squared error relative to the real
    features' mean square, averaged over maps. Relative, so VGG16 and the fallback
    discriminator features (whose scales differ by orders of magnitude) weigh alike."""
    fake_features, real_features = _f32(*fake_features), _f32(*real_features)
    terms = [
        ops.mean(ops.square(fake - real)) / (ops.stop_gradient(ops.mean(ops.square(real))) + epsilon)
        for fake, real in zip(fake_features, real_features, strict=True)
    ]
    return ops.mean(ops.stack(terms))


def image_l1(predicted, target):
    """Mean absolute error between images (the CNN baseline's loss)."""
    predicted, target = _f32(predicted, target)
    return ops.mean(ops.abs(predicted - target))


def cross_entropy(logits, labels, label_smoothing: float = 0.0):
    """Mean softmax cross-entropy of logits [B, C] for int labels [B]; labels < 0 (unknown) are left out.

    With `label_smoothing` e the target puts 1 - e on the label and e spread evenly over all C classes.
    """
    (logits,) = _f32(logits)
    known = ops.cast(labels >= 0, logits.dtype)
    per_example = keras.losses.sparse_categorical_crossentropy(ops.maximum(labels, 0), logits, from_logits=True)
    if label_smoothing:
        uniform = -ops.mean(ops.log_softmax(logits, axis=-1), axis=-1)  # cross-entropy to the uniform target
        per_example = (1.0 - label_smoothing) * per_example + label_smoothing * uniform
    return ops.sum(per_example * known) / ops.maximum(ops.sum(known), 1.0)
