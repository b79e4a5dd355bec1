"""Making models smaller: magnitude pruning, uniform quantisation, and the temperature layer used
for knowledge distillation.

prune:     zero the fraction `sparsity` of weights with the smallest |w| (over all Dense layers);
quantize:  round each layer's weights to 2^(bits-1) - 1 symmetric levels of size max|W| / levels
           (stored as small integers plus one float scale per layer), then use the rounded values;
storage:   storage_bytes counts what rebuilds the model: the weights at `bits` bits, dense or as a
           bitmask of the non-zero positions plus the non-zero values, biases and scales;
distill:   a student learns from a teacher's softened probabilities softmax(z_teacher / T); the
           Temperature layer divides the student's logits by T during that training.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_fraction, check_int, check_positive
from .activations import softmax
from .layers import Dense, Layer


def dense_weights(model):
    return [layer.W for layer in model.layers if isinstance(layer, Dense)]


def prune(model, sparsity: float):
    """Set the smallest-magnitude weights (a fraction `sparsity` of all weights) to 0, in place."""
    sparsity = check_fraction(sparsity, "sparsity")
    weights = dense_weights(model)
    if sparsity == 0:
        return model
    threshold = np.quantile(np.abs(np.concatenate([W.ravel() for W in weights])), sparsity)
    for W in weights:
        W[np.abs(W) <= threshold] = 0.0
    return model


def quantize(model, bits: int):
    """Round every Dense layer's weights to `bits`-bit symmetric integers times a per-layer scale,
    in place (the model then computes with the rounded weights)."""
    bits = check_int(bits, "bits", low=2, high=32)
    levels = 2 ** (bits - 1) - 1
    for W in dense_weights(model):
        scale = np.abs(W).max() / levels
        if scale > 0:
            W[...] = np.round(W / scale) * scale
    return model


def weight_bytes(model, bits: int = 32) -> float:
    """The payload only: the non-zero weights at `bits` bits each, plus float32 biases and one
    float32 scale per layer. It leaves out where the non-zero weights are (a pruned model cannot be
    rebuilt from it): for the real size use storage_bytes."""
    nonzero = sum(int(np.count_nonzero(W)) for W in dense_weights(model))
    biases = sum(layer.b.size for layer in model.layers if isinstance(layer, Dense))
    return nonzero * bits / 8 + 4 * biases + 4 * len(dense_weights(model))


def layer_storage_bits(W, bits: int) -> tuple[int, str]:
    """Bits needed to store one weight matrix W exactly at `bits` bits per weight, and how:
    'dense' stores every weight, zeros included (W.size * bits); 'bitmask' stores one bit per
    weight saying whether it is non-zero, then only the non-zero ones (W.size + nnz * bits).
    Whichever is smaller. Weights that quantised to 0 are zeros like the pruned ones."""
    bits = check_int(bits, "bits", low=1, high=64)
    W = np.asarray(W)
    dense = W.size * bits
    bitmask = W.size + int(np.count_nonzero(W)) * bits
    return (dense, "dense") if dense <= bitmask else (bitmask, "bitmask")


def storage_bytes(model, bits: int = 32) -> float:
    """Bytes that rebuild every Dense layer exactly: each weight matrix at `bits` bits per weight,
    dense or as a bitmask plus the non-zero weights, whichever is smaller (layer_storage_bits);
    float32 biases; and, below 32 bits, one float32 scale per layer (w = q * scale)."""
    bits = check_int(bits, "bits", low=2, high=32)
    weights = dense_weights(model)
    total_bits = sum(layer_storage_bits(W, bits)[0] for W in weights)
    biases = sum(layer.b.size for layer in model.layers if isinstance(layer, Dense))
    scales = len(weights) if bits < 32 else 0
    return total_bits / 8 + 4 * biases + 4 * scales


class Temperature(Layer):
    """z -> z / T (no parameters). Appended to a student's logits while it learns soft targets."""

    trainable = False

    def __init__(self, T: float, name: str = "temperature"):
        self.T = check_positive(T, "temperature")
        self.name = name

    def forward(self, x, training: bool = False):
        return x / self.T

    def backward(self, grad_a):
        return grad_a / self.T

    def __repr__(self):
        return f"Temperature({self.T:g})"


def soft_targets(teacher, X, T: float) -> np.ndarray:
    """softmax(z_teacher / T): the teacher's probabilities, softened so the small ones show."""
    T = check_positive(T, "temperature")
    teacher.forward(X)
    return softmax(teacher.layers[-1].z / T)
