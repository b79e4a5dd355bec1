"""The from-scratch engine: pure NumPy, float64, samples as rows, Keras weight layout.

Everything listed in `__all__` is also reachable as `dlteach.<name>`; the submodules
(activations, losses, ...) hold the details. `__all__` is written out, not computed, so that
the public surface is a decision (tests/test_public_api.py checks that it stays complete).
"""
from .activations import ACTIVATIONS, Activation, derivative, get_activation, softmax_jacobian
from .attention import (MultiHeadAttention, PositionEmbedding, causal_mask, scaled_dot_product_attention,
                        scaled_dot_product_attention_backward, sine_position_encoding)
from .autograd import Value, neuron_graph
from .compress import Temperature, prune, quantize, soft_targets, storage_bytes, weight_bytes
from .conv import Conv2D, Flatten, MaxPool2D
from .explain import (grad_cam, gradient_x_input, integrated_gradients, occlusion, occlusion_pixels,
                      permutation_importance, saliency, smoothgrad)
from .gradcheck import check_model, compare, numerical_gradient, rel_error
from .init import INITIALIZERS, get_initializer
from .layers import Dense, Dropout, Layer
from .losses import LOSSES, Loss, binary_crossentropy, categorical_crossentropy, get_loss, mse
from .metrics import confusion_matrix, precision_recall
from .network import MLP, Sequential
from .normalization import BatchNormalization, LayerNormalization
from .optimizers import OPTIMIZERS, SGD, Adam, AdamW, Optimizer, RMSprop, get_optimizer
from .perceptron import LOGIC, logic_data, perceptron_train
from .recurrent import GRU, LSTM, Embedding, SimpleRNN, TimeDistributed
from .regularizers import L1L2
from .residual import ActivationLayer, Residual
from .schedules import cosine_decay, exponential_decay, piecewise_constant_decay
from .surfaces import SURFACES, LinearRegression, Surface, descend, get_surface, learning_rate_sweep
from .transformer import SequenceDense, SinePositionEncoding, Transformer, TransformerBlock
from .training import (Callback, EarlyStopping, History, ProgressPrinter, accuracy, batches, divergence_message,
                       epoch_batches, fit, is_divergent)
from .vae import VAE, Sampling, gaussian_kl

__all__ = [
    # models and layers
    "Sequential", "MLP", "Layer", "Dense", "Dropout", "Conv2D", "MaxPool2D", "Flatten", "Temperature",
    "BatchNormalization", "LayerNormalization", "ActivationLayer", "Residual",
    "Embedding", "SimpleRNN", "LSTM", "GRU", "TimeDistributed",
    "MultiHeadAttention", "PositionEmbedding", "scaled_dot_product_attention",
    "scaled_dot_product_attention_backward", "causal_mask", "sine_position_encoding",
    "SequenceDense", "SinePositionEncoding", "TransformerBlock", "Transformer",
    "Sampling", "VAE", "gaussian_kl",
    # activations, losses, initialisers, regularisers
    "ACTIVATIONS", "Activation", "get_activation", "derivative", "softmax_jacobian",
    "LOSSES", "Loss", "get_loss", "mse", "binary_crossentropy", "categorical_crossentropy",
    "INITIALIZERS", "get_initializer", "L1L2",
    # optimizers and training
    "OPTIMIZERS", "Optimizer", "SGD", "RMSprop", "Adam", "AdamW", "get_optimizer",
    "piecewise_constant_decay", "exponential_decay", "cosine_decay",
    "fit", "History", "Callback", "EarlyStopping", "ProgressPrinter",
    "batches", "epoch_batches", "is_divergent", "divergence_message",
    # metrics and checks
    "accuracy", "confusion_matrix", "precision_recall",
    "numerical_gradient", "rel_error", "check_model", "compare",
    # explaining and compressing trained models
    "saliency", "occlusion", "occlusion_pixels", "grad_cam", "permutation_importance",
    "gradient_x_input", "integrated_gradients", "smoothgrad",
    "prune", "quantize", "weight_bytes", "storage_bytes", "soft_targets",
    # the small worlds of the early lessons
    "LOGIC", "logic_data", "perceptron_train",
    "SURFACES", "Surface", "get_surface", "descend", "LinearRegression", "learning_rate_sweep",
    "Value", "neuron_graph",
]
