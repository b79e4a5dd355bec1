"""Write the Voilà app pages in apps/: the Playground, every lesson's explorer, and an index.

    python scripts/make_apps.py        # then: make app

Each page is a notebook whose only code builds one explorer; Voilà runs it and shows the widgets
without the code. The table below is the one place that lists them.
"""
from pathlib import Path

import nbformat

APPS = [  # file, explorer class, title, what to try
    ("playground", "Playground", "The Playground",
     "Pick a dataset, shape the network, press play and watch the decision boundary form."),
    ("neuron", "NeuronExplorer", "One neuron (lesson 01)", "Move w1, w2 and b and watch the decision line."),
    ("activations", "ActivationExplorer", "Activation functions (lesson 02)",
     "Compare each activation with its derivative; find where it saturates."),
    ("losses", "LossExplorer", "Loss functions (lesson 03)", "Move the prediction and watch the loss and its slope."),
    ("gradient_descent", "GradientDescentExplorer", "Gradient descent (lesson 04)",
     "Raise the learning rate until the path overshoots."),
    ("optimizers", "OptimizerExplorer", "Optimizers (lesson 05)", "Race SGD, momentum, RMSprop and Adam on one surface."),
    ("backprop", "BackpropExplorer", "Backpropagation (lesson 06)", "Follow every local gradient through one neuron."),
    ("depth", "DepthExplorer", "Depth and initialisation (lesson 08)",
     "Add layers and watch the gradients vanish or explode."),
    ("digits", "DigitsExplorer", "Handwritten digits (lesson 09)", "Train a network on 8x8 digits."),
    ("overfitting", "OverfitExplorer", "Overfitting and regularisation (lesson 10)",
     "Give a big network little data, then tame it."),
    ("cnn", "ConvExplorer", "Convolution (lesson 11)", "Slide a kernel over a digit."),
    ("explaining", "ExplainExplorer", "Explaining a model (lesson 12)", "Which pixels made the network decide?"),
    ("draw", "DigitDrawer", "Draw a digit (lessons 09, 11, 12)",
     "Draw a digit with the mouse or a finger: two networks read it and show where they looked."),
    ("small", "SmallModelsExplorer", "Small data, small models (lesson 13)",
     "Distil, prune and quantise; watch accuracy against size."),
    ("deepnets", "DeepNetExplorer", "Normalisation and residual connections (lesson 14)",
     "Make a network 20 layers deep; add batch norm or residual connections and watch every layer's gradient."),
    ("sequences", "SequenceExplorer", "Sequences and recurrent networks (lesson 15)",
     "Make a recurrent network remember a symbol: change the cell, the length and clipping; sample text at a temperature."),
    ("attention", "AttentionExplorer", "Attention and the transformer (lesson 16)",
     "Look inside a transformer that reverses digits: each head's attention map; take out the scale, the mask or "
     "the positions."),
    ("autoencoders", "LatentExplorer", "Autoencoders and generative models (lesson 17)",
     "Walk a VAE's 2-D code space and watch the decoder draw; change beta and watch the codes spread or collapse."),
]


def page(explorer: str, title: str, hint: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\n{hint}  [All explorers](index.ipynb)"),
                nbformat.v4.new_code_cell(f"import dlteach as dt\n\ndt.widgets.{explorer}().widget()")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def index():
    rows = "\n".join(f"- [{title}]({name}.ipynb): {hint}" for name, _, title, hint in APPS)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "# dlteach explorers\n\nEach page is one explorer from the lessons, live: move its controls and watch.\n\n"
        + rows)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def main(folder: Path = Path(__file__).resolve().parents[1] / "apps") -> None:
    folder.mkdir(exist_ok=True)
    nbformat.write(index(), folder / "index.ipynb")
    for name, explorer, title, hint in APPS:
        nbformat.write(page(explorer, title, hint), folder / f"{name}.ipynb")


if __name__ == "__main__":
    main()
