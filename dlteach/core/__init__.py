"""The from-scratch engine: pure NumPy, float64, samples as rows, Keras weight layout."""
from .activations import ACTIVATIONS, Activation, derivative, get_activation, softmax_jacobian
from .autograd import Value
from .conv import Conv2D, Flatten, MaxPool2D
from .gradcheck import check_model, compare, numerical_gradient, rel_error
from .init import INITIALIZERS, get_initializer
from .layers import Dense, Dropout, Layer
from .losses import LOSSES, binary_crossentropy, categorical_crossentropy, get_loss, mse
from .metrics import confusion_matrix, precision_recall
from .network import MLP, Sequential
from .optimizers import OPTIMIZERS, SGD, Adam, AdamW, Optimizer, RMSprop, get_optimizer
from .regularizers import L1L2
from .training import (Callback, EarlyStopping, History, ProgressPrinter, accuracy, batches, divergence_message,
                       epoch_batches, fit, is_divergent)

__all__ = [name for name in dir() if not name.startswith("_")]
