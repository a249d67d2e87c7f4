"""Losses as pure functions of tensors; gradient tapes live in each stage's train step.

StyleGAN's (Karras et al. 2019, `loss.py`): the non-saturating logistic loss for G,
the logistic loss for D and the R1 penalty on real images.
"""
from keras import ops


def g_nonsaturating(fake_logits):
    """-log sigmoid(D(G(z))), averaged over the batch."""
    return ops.mean(ops.softplus(-fake_logits))


def d_logistic(real_logits, fake_logits):
    """-log(1 - sigmoid(D(G(z)))) - log sigmoid(D(x)), averaged over the batch."""
    return ops.mean(ops.softplus(fake_logits)) + ops.mean(ops.softplus(-real_logits))


def r1_penalty(real_gradients, gamma: float):
    """gamma / 2 * E ||grad_x D(x)||^2, from the gradients of D's logits w.r.t. real images."""
    return 0.5 * gamma * ops.mean(ops.sum(ops.square(real_gradients), axis=(1, 2, 3)))
