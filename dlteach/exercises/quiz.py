"""Quiz checkers: the learner types a number, a word or a few weights. Each quiz returns a Verdict
(right, or what is wrong with the answer) and has a hint ladder (hints.py) that check() climbs.

A numeric quiz states its precision ("2 decimals", "2 significant digits", "exact"): any answer
within half a unit of the last digit asked for passes, so 0.89 and 0.889 and 40/45 all pass for
40/45 to 2 decimals. A right value given with fewer digits, or cut off instead of rounded, is told
"close: give 2 decimals" without a hint rung: its concept is right.
"""
from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass, field

import numpy as np

from ..i18n import N_, gettext_ as _
from ..core.activations import get_activation
from ..core.perceptron import logic_data
from .hints import Ladder


@dataclass(frozen=True)
class Verdict:
    """ok; the text after 'Correct! ' or 'Not yet. '; attempted=False for an answer that is not a
    miss of the concept (unreadable, or right but not to the stated precision): no hint rung."""

    ok: bool
    text: str
    attempted: bool = True


# ---------------------------------------------------------------- reading a number

_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos}
_FUNCS = {"sqrt": math.sqrt, "exp": math.exp, "log": math.log, "ln": math.log, "log10": math.log10}
_NAMES = {"e": math.e, "pi": math.pi}


def _evaluate(node):
    """A number from arithmetic only: + - * / **, sqrt, exp, log (natural), log10, e, pi."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return float(node.value)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > 100:
            raise ValueError(_("an exponent above 100"))
        return _OPS[type(node.op)](left, right)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.Name) and node.id in _NAMES:
        return _NAMES[node.id]
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FUNCS
            and len(node.args) == 1 and not node.keywords):
        return _FUNCS[node.func.id](_evaluate(node.args[0]))
    raise ValueError(_("only numbers and + - * / **, sqrt, exp, log, log10"))


def _number(answer) -> tuple[float, int | None, bool]:
    """(value, decimals as written or None for an expression, given as a percentage?)."""
    if isinstance(answer, (bool, np.bool_)):
        raise TypeError(_("answer should be a number, got {answer!r}.").format(answer=answer))
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.reshape(()).item()
    if isinstance(answer, (int, float, np.integer, np.floating)):
        value = float(answer)
        if not math.isfinite(value):
            raise ValueError(_("answer should be a finite number, got {answer!r}.").format(answer=answer))
        return value, _decimals(np.format_float_positional(value, trim="-")), False
    if not isinstance(answer, str):
        raise TypeError(_("answer should be one number, got {kind} {answer!r}.").format(kind=type(answer).__name__,
                                                                                 answer=answer))
    text = answer.strip().replace(" ", "").replace("_", "")
    if "," in text:
        raise ValueError(_("write the number without commas (12864, or 0.89 with a decimal point), got {answer!r}.")
                         .format(answer=answer))
    percent = text.endswith("%")
    text = text.rstrip("%")
    try:
        tree = ast.parse(text, mode="eval").body
        value = _evaluate(tree)
    except (SyntaxError, ValueError, TypeError, ZeroDivisionError, OverflowError) as err:
        raise ValueError(_("answer should be a number or arithmetic such as 40/45, got {answer!r} ({error}).")
                         .format(answer=answer, error=err)) from None
    literal = isinstance(tree.operand if isinstance(tree, ast.UnaryOp) else tree, ast.Constant)
    if not literal:  # an expression such as 40/45 is as precise as its value
        decimals = None
    elif "e" in text.lower():  # 1e-6: the digits of its positional form
        decimals = _decimals(np.format_float_positional(value, trim="-"))
    else:
        decimals = _decimals(text.lstrip("+-"))
    if percent:
        value, decimals = value / 100, None if decimals is None else decimals + 2
    return value, decimals, percent


def _decimals(text: str) -> int:
    """Digits after the decimal point in a plain number such as '0.89' (0 for '12')."""
    return len(text.split(".")[1]) if "." in text else 0


def _sentence(text: str) -> str:
    """'that is the recall' -> 'That is the recall.' (a Chinese translation: '那是召回率。')"""
    text = text[0].upper() + text[1:]
    if text.endswith((".", "?", "!", "。", "？", "！")):
        return text
    return text + ("。" if any(ch >= "\u3000" for ch in text) else ".")  # a Chinese translation ends in 。


# A coarser answer is never made right by writing zeros after it: 0.20 is the number 0.2.
_PAD_NOTE = N_("Adding zeros does not change the number: work out the next digit.")


def _shown_precision(precision: str) -> str:
    """'2 significant digits' in the language in use (the English text stays the key that _spec reads)."""
    words = precision.split()
    if words == ["exact"]:
        return _("exact")
    n = int(words[0])
    if words[1].startswith("decimal"):
        return (_("{n} decimal") if n == 1 else
                _("{n} decimals")).format(n=n)
    return (_("{n} significant digit") if n == 1 else
            _("{n} significant digits")).format(n=n)


# ---------------------------------------------------------------- numeric quizzes

@dataclass(frozen=True)
class Numeric:
    """A number to give at a stated precision: '2 decimals', '2 significant digits' or 'exact'.

    known maps typical wrong values to what they are ("that is the recall: ..."), matched at the
    stated precision; magnitude=True accepts the value with either sign (a size is asked)."""

    value: float
    precision: str
    good: str
    ladder: Ladder
    known: dict = field(default_factory=dict)
    magnitude: bool = False

    def __post_init__(self):
        self._spec()  # refuse a malformed precision when the table is built

    def _spec(self) -> tuple[str, int]:
        words = self.precision.split()
        if words == ["exact"]:
            return "exact", 0
        if len(words) >= 2 and words[0].isdigit() and words[1] in ("decimal", "decimals", "significant"):
            return ("decimals" if words[1].startswith("decimal") else "significant"), int(words[0])
        raise ValueError(f"precision must be 'N decimals', 'N significant digits' or 'exact', got {self.precision!r}.")

    def decimals_asked(self) -> int | None:
        """The decimals the stated precision asks for (None for 'exact')."""
        kind, n = self._spec()
        if kind == "exact":
            return None
        if kind == "decimals":
            return n
        return n - 1 - math.floor(math.log10(abs(self.value))) if self.value else n

    def half_unit(self) -> float:
        """Half a unit of the last digit asked for: the largest error an answer may have."""
        d = self.decimals_asked()
        return 1e-9 * max(1.0, abs(self.value)) if d is None else 0.5 * 10.0 ** -d

    def passes(self, x: float) -> bool:
        tol = self.half_unit() * (1 + 1e-9) + 1e-15
        return abs(x - self.value) <= tol or (self.magnitude and abs(-x - self.value) <= tol)

    def _close(self, x: float, decimals: int | None) -> bool:
        """The right value rounded to the learner's own, coarser, last digit; or, given with the digits
        asked for, cut off there instead of rounded."""
        if decimals is None or x == 0:
            return False
        target = abs(self.value) if self.magnitude else self.value
        x = abs(x) if self.magnitude else x
        unit, asked = 10.0 ** -decimals, self.decimals_asked()
        if asked is None or decimals < asked:
            return abs(x - target) <= 0.5 * unit * (1 + 1e-9)
        return 0 < abs(x) < abs(target) and np.sign(x) == np.sign(target) and abs(x - target) < unit

    def _precision_note(self, x: float, decimals: int) -> str:
        kind, n = self._spec()
        asked = self.decimals_asked()
        if kind == "exact":
            return _("give the exact value, not a rounded one.")
        if asked is not None and decimals < asked:
            if kind == "significant":
                have = decimals + math.floor(math.log10(abs(x))) + 1
                return _("give {precision} (yours has {yours}). {note}").format(
                    precision=_shown_precision(self.precision),
                    yours=_shown_precision(f"{max(have, 1)} significant digits"), note=_(_PAD_NOTE))
            return _("give {precision} (yours has {yours}). {note}").format(
                precision=_shown_precision(self.precision), yours=_shown_precision(f"{decimals} decimals"),
                note=_(_PAD_NOTE))
        return _("round to {precision}: to the nearest, not cut off.").format(precision=_shown_precision(self.precision))

    def __call__(self, answer) -> Verdict:
        x, decimals, percent = _number(answer)
        if self.passes(x):
            return Verdict(True, _(self.good))
        near = [(abs(x - wrong), what) for wrong, what in self.known.items()  # a known mistake before a rounding
                if abs(x - wrong) <= max(self.half_unit(), 5e-4 * abs(wrong)) * (1 + 1e-9)]
        if near:  # before the percentage: 6 for a gradient of 0.06 is 2 w without lambda, not 6 %
            return Verdict(False, _sentence(_(min(near)[1])))
        if not percent and 0 < abs(self.value) <= 1 and 1 < abs(x) <= 100 and (
                self.passes(x / 100) or self._close(x / 100, None if decimals is None else decimals + 2)):
            return Verdict(False, _("{answer!r} looks like a percentage: give the fraction, a number between 0 and 1 "
                                  "(to {precision}).").format(answer=answer, precision=_shown_precision(self.precision)), attempted=False)
        if self._close(x, decimals):
            return Verdict(False, _("Close, but {note}").format(note=self._precision_note(x, decimals)), attempted=False)
        if self.value and np.sign(x) == -np.sign(self.value) and not self.magnitude:
            return Verdict(False, _("Your answer has the wrong sign."))
        return Verdict(False, _("Your answer is too large.") if x > self.value else _("Your answer is too small."))


# ---------------------------------------------------------------- word quizzes

@dataclass(frozen=True)
class Word:
    """A one-word answer: accepted spellings; the choices the question offers; known wrong choices."""

    accepted: tuple
    choices: tuple
    good: str
    ladder: Ladder
    known: dict = field(default_factory=dict)

    def __call__(self, answer) -> Verdict:
        if not isinstance(answer, (str, bool, np.bool_, int, np.integer)):
            raise TypeError(_("answer should be one word, {choices}, got {answer!r}.").format(
                choices=_(" or ").join(repr(c) for c in self.choices), answer=answer))
        word = str(answer).strip().lower()
        if word in self.accepted:
            return Verdict(True, _(self.good))
        if word in self.known:
            return Verdict(False, _sentence(_(self.known[word])))
        return Verdict(False, _("Answer with one of {choices}.").format(choices=", ".join(repr(c) for c in self.choices)), attempted=False)


# ---------------------------------------------------------------- quizzes with their own checks

SHOWN_AND = np.array([1.0, 1.0, -1.5])  # the weights lesson 01 shows; the exercise asks for another line


@dataclass(frozen=True)
class Custom:
    """A quiz checked by its own function(answer) -> Verdict."""

    check: object
    ladder: Ladder

    def __call__(self, answer) -> Verdict:
        return self.check(answer)


def _and_neuron(answer) -> Verdict:
    if isinstance(answer, (str, bytes)) or not hasattr(answer, "__len__") or len(answer) != 3:
        raise TypeError(_("answer should be three numbers (w1, w2, b), got {answer!r}.").format(answer=answer))
    w1, w2, b = (_number(v)[0] for v in answer)
    v = np.array([w1, w2, b])
    cosine = v @ SHOWN_AND / (np.linalg.norm(v) * np.linalg.norm(SHOWN_AND)) if np.linalg.norm(v) > 0 else 0.0
    if cosine > 1 - 1e-9:
        return Verdict(False, _("That is the line the lesson shows, (1, 1, -1.5) (scaling all three numbers by the "
                              "same factor gives the same line). Find a different line: tilt it (w1 != w2) or move it."))
    if cosine < -(1 - 1e-9):
        return Verdict(False, _("That is the lesson's line with every sign flipped: the same line, but its positive "
                              "side (a > 0.5) now holds (0, 0), (0, 1) and (1, 0), the other three points (that is "
                              "NAND). Keep (1, 1) on the positive side."))
    X, y = logic_data("AND")
    z = X @ np.array([w1, w2]) + b
    on_line = [f"({x1:g}, {x2:g})" for (x1, x2), z_i in zip(X, z) if abs(z_i) <= 1e-12 * max(1.0, np.abs(v).max())]
    if on_line:
        lies = (_("{points} lies exactly on the line: z = 0 and a = 0.5, undecided. The exercise asks for a line "
                  "that passes through none of the four points.") if len(on_line) == 1 else
                _("{points} lie exactly on the line: z = 0 and a = 0.5, undecided. The exercise asks for a line "
                  "that passes through none of the four points."))
        return Verdict(False, lies.format(points=_(" and ").join(on_line)))
    a = get_activation("sigmoid")(z)
    wrong = [_("({x1:g}, {x2:g}) gets a = {a:.2f}").format(x1=x1, x2=x2, a=p) for (x1, x2), p, t in zip(X, a, y) if (p > 0.5) != (t == 1)]
    if not wrong:
        return Verdict(True, _("Only (1, 1) gets z = w1 + w2 + b > 0."))
    return Verdict(False, _("On the wrong side of a = 0.5: {points}.").format(points="; ".join(wrong)))


WORKFLOW_ORDER = "DBEAC"  # the lesson's shuffled list: A validate, B design, C test, D preprocess, E train


def _workflow_order(answer) -> Verdict:
    letters = "".join(ch for ch in str(answer).upper() if ch.isalpha())
    if sorted(letters) != sorted(WORKFLOW_ORDER):
        return Verdict(False, _("Give each of the five letters A-E exactly once, e.g. 'ABCDE'."), attempted=False)
    if letters == WORKFLOW_ORDER:
        return Verdict(True, _("Preprocess (split, then scale with training statistics), design, train, compare "
                             "settings on data the weights were not fitted to, and test once at the very end."))
    wrong = [_("{letter} in place {place}").format(letter=letters[i], place=i + 1) for i in range(5) if letters[i] != WORKFLOW_ORDER[i]]
    return Verdict(False, _("Not in place: {letters}.").format(letters=", ".join(wrong)))


# ---------------------------------------------------------------- the table

NUMERIC = {
    "01.z_change": Numeric(
        3.0, "exact",
        N_("y_hat = [0 > 0] = 0, so w += 0.5 x = (0.5, 1) and b += 0.5; z = 0.5 + 2 + 0.5 = 3 = eta (|x|^2 + 1): each "
        "update on a mistake raises z for that x (lowers it for y = 0)."),
        Ladder("Learning the weights: the perceptron rule",
               "Compute y_hat for this sample first: it decides whether w and b change at all.",
               "On a mistake the rule adds eta x to w and eta to b, so z = w.x + b for the same x grows by "
               "eta (x.x) from w and by eta from b.",
               "y_hat = [0 > 0] = 0 and y - y_hat = 1: the new w is 0.5 (1, 2), the new b is 0.5. Evaluate the new "
               "w.x + b at x = (1, 2) and subtract the old z, which is 0."),
        known={2.5: N_("that is the change of w.x alone: b moved too"), 0.5: N_("that is the change of b alone: w moved too")}),
    "02.sigmoid_max_slope": Numeric(
        0.25, "2 decimals", "sigma'(0) = sigma(0)(1 - sigma(0)) = 0.5 x 0.5 = 0.25.",
        Ladder("The derivatives, derived",
               "Find where the slope sigma'(z) is largest before evaluating it.",
               "sigma'(z) = s (1 - s) with s = sigma(z) between 0 and 1: a number times its complement is largest "
               "where both are equal.",
               "Take s = sigma(0) = 1/2 (the middle of the S) and compute s (1 - s)."),
        known={0.5: N_("that is sigma(0), the sigmoid's value, not its slope"),
               1.0: N_("a slope of 1 is ReLU's (for z > 0), not the sigmoid's")}),
    "02.relu_slope_negative": Numeric(
        0.0, "exact", N_("For z < 0, ReLU is flat: no gradient flows, so the weights before it stop learning."),
        Ladder("The derivatives, derived",
               "Look at ReLU's graph to the left of zero: how steep is it there?",
               "ReLU is max(0, z): for every z < 0 it is the constant 0.",
               "A constant function has the same slope everywhere; read it off at z = -3."),
        known={1.0: N_("1 is ReLU's slope for z > 0; the question is about z = -3"),
               -3.0: N_("that is z itself, not the slope"),
               0.01: N_("that is a leaky ReLU's slope below zero (0.01 in many libraries); the question is about ReLU"),
               0.2: N_("that is a leaky ReLU's slope below zero (Keras's default); the question is about ReLU")}),
    "03.bce_value": Numeric(
        float(-np.log(0.9)), "2 significant digits", "L = -log 0.9 = 0.105.",
        Ladder("The formulas, derived",
               "Write the BCE of one sample and check which of its two terms is left for y = 1.",
               "With y = 1 the loss is minus the natural log of the probability the model gives class 1.",
               "Compute -ln(0.9) (np.log is the natural log; log10 gives another number)."),
        known={float(-np.log10(0.9)): N_("that is -log10(0.9): the cross-entropy uses the natural log"),
               0.9: N_("that is a itself, not the loss"), float(-np.log(0.1)): N_("that is -log(1 - a), the term of y = 0")}),
    "03.bce_confident_wrong": Numeric(
        float(-np.log(0.01)), "2 significant digits", N_("L = -log 0.01 = 4.6: a confident mistake costs a lot."),
        Ladder("The formulas, derived",
               "Check which probability the model gives to the true class, y = 0.",
               "For y = 0 only -log(1 - a) is left: minus the natural log of the probability of class 0.",
               "Compute 1 - 0.99 first, then minus its natural log."),
        known={float(-np.log(0.99)): N_("that is -log(a), the loss if the label were 1"),
               2.0: N_("that is -log10(0.01): the cross-entropy uses the natural log"),
               0.01: N_("that is the probability of the true class, not its loss")}),
    "04.largest_stable_lr": Numeric(
        0.04, "2 significant digits",
        N_("L = w1² + 25 w2² has curvatures 2 (along w1) and 50 (along w2), the second derivatives; w2 <- (1 - 50 lr) w2 "
        "shrinks only while |1 - 50 lr| < 1, so lr < 2/50 = 0.04. (The same number is 1/25, one over the coefficient, "
        "because the curvature of c w² is 2c; but the curvature itself is 50, not 25.)"),
        Ladder("The formula, derived",
               "The bound comes from the steeper of the two directions: find each term's curvature first.",
               "Each coordinate is its own quadratic: a step multiplies it by (1 - lr x curvature), and it shrinks "
               "only while that factor lies between -1 and 1.",
               "The curvature is the second derivative: 2 for w1², 50 for 25 w2². Solve |1 - lr x 50| < 1 for lr."),
        known={0.08: N_("that is 2/25: 25 is the coefficient of w2², but the curvature is the second derivative"),
               1.0: N_("that is the bound of the w1 direction; the steeper w2 direction sets a smaller one"),
               0.02: N_("at that rate the factor on w2 is 0; gradient descent still converges somewhat above it")}),
    "04.updates_per_epoch": Numeric(
        4.0, "exact", N_("100 samples in batches of 32: three full batches (96 samples) and a last one of 4, so 4 "
                      "updates per epoch (ceil(100 / 32)); the last one rests on only 4 samples."),
        Ladder("Batch, mini-batch, stochastic",
               "Count the batches one pass over the 100 samples is cut into: every sample is visited once.",
               "One update per batch. 32 does not divide 100: what happens to the samples left over after the "
               "full batches?",
               "The leftover samples form one last, smaller batch, and it gets its own update: divide 100 by 32 "
               "and round up."),
        known={1.0: N_("1 update per epoch is full-batch gradient descent"), 100.0: N_("100 updates is batch size 1"),
               3.0: N_("that counts the full batches only: the 4 samples left over form a last, smaller batch, which "
                    "Keras keeps and steps on"),
               3.125: N_("an update count is a whole number: the leftover samples form one more, smaller batch"),
               32.0: N_("that is the batch size, not the number of batches")}),
    "05.adam_first_step": Numeric(
        0.01, "2 significant digits", N_("Adam's first step is lr * g / |g| = lr in every coordinate, whatever the "
                                      "size of the gradient."),
        Ladder("The formulas, derived",
               "Write m and v after one step from m = v = 0, with their bias correction.",
               "After one step m = (1 - beta_1) g and v = (1 - beta_2) g²; the bias correction divides them by "
               "exactly those factors.",
               "Put the corrected m = g and v = g² into lr m / sqrt(v) and simplify."),
        magnitude=True),
    "05.momentum_speedup": Numeric(
        10.0, "exact", N_("With a constant gradient m settles where m = mu m - lr g: steps of lr g / (1 - mu), 10 times "
                       "SGD's for mu = 0.9."),
        Ladder("The formulas, derived",
               "Compare the size of momentum's step, once it has settled, with SGD's step lr g.",
               "With a constant gradient m stops changing: it settles at the m that one update leaves unchanged.",
               "Solve m = mu m - lr g for m with mu = 0.9 and divide its size by lr g.")),
    "07.parameters": Numeric(
        37.0, "exact", N_("(2*4 + 4) + (4*4 + 4) + (4*1 + 1) = 12 + 20 + 5 = 37 weights and biases."),
        Ladder("The formula",
               "Count each layer's weights and biases separately, then add the three layers.",
               "A Dense layer from n_in inputs to n_out units has n_in x n_out weights and n_out biases.",
               "The layers map 2 -> 4, 4 -> 4 and 4 -> 1: compute n_in x n_out + n_out for each and add."),
        known={28.0: N_("that counts the weights only: every unit has a bias too")}),
    "07.xor_hidden": Numeric(
        2.0, "exact", N_("Two hidden neurons draw two lines (e.g. OR and NAND); the output ANDs them: XOR on the four "
                      "corners."),
        Ladder("The intuition: every neuron's map",
               "Each hidden neuron draws one straight line: how many lines does it take to fence off XOR's two "
               "classes?",
               "XOR is 'OR but not AND': one line for OR, one for AND (or NAND), and the output combines them.",
               "Draw the four corners; put one line cutting off (0, 0) and another cutting off (1, 1); count the "
               "lines."),
        known={1.0: N_("one neuron draws one line, and no single line separates XOR (lesson 01)")}),
    "08.glorot_limit": Numeric(
        float(np.sqrt(6 / 200)), "2 decimals", "limit = sqrt(6 / (n_in + n_out)) = sqrt(6/200) = 0.173.",
        Ladder("The formula, derived: keep the variance the same in every layer",
               "Use the Glorot-uniform limit, which counts both the inputs and the outputs of the layer.",
               "Glorot keeps Var(W) = 2 / (n_in + n_out); a uniform U(-limit, limit) has variance limit² / 3.",
               "limit = sqrt(6 / (n_in + n_out)) with n_in = n_out = 100."),
        known={0.1: N_("that is the standard deviation sqrt(2 / (n_in + n_out)), not the uniform limit"),
               float(np.sqrt(6 / 100)): N_("that counts one side of the layer only: Glorot uses n_in + n_out")}),
    "08.sigmoid_factor": Numeric(
        0.25 ** 10, "2 significant digits",
        N_("The sigmoid's factor in the chain rule is at most 0.25 per layer: 0.25^10 = 9.5e-7 for ten layers. With "
        "weights of modest size the product vanishes: the vanishing gradient."),
        Ladder("The intuition: a product of one factor per layer",
               "Find the sigmoid's largest slope, then count how many such factors the chain rule multiplies.",
               "Backpropagation multiplies one factor sigma'(z) <= 1/4 per sigmoid layer.",
               "Raise the sigmoid's largest slope to the power 10."),
        known={0.25: N_("that is one layer's factor; there are ten layers"),
               2.5: N_("that adds the ten factors; the chain rule multiplies them")}),
    "09.precision": Numeric(
        40 / 45, "2 decimals", N_("Precision of class 1 = 40 / (40 + 5) = 0.889: of the 45 images called 1, 40 are."),
        Ladder("Per class: precision, recall, confusion",
               "Precision is about the images the classifier called 1: of those, how many really are 1?",
               "Precision = true positives / all predicted as the class (true positives + false positives).",
               "40 true 1s were predicted 1 and 5 other digits were predicted 1: divide the first by the sum."),
        known={0.8: N_("your answer divides by the real 1s (40 + 10); precision divides by the images predicted as 1")}),
    "09.recall": Numeric(
        40 / 50, "2 decimals", N_("Recall of class 1 = 40 / (40 + 10) = 0.8: of the 50 real 1s, 40 were found."),
        Ladder("Per class: precision, recall, confusion",
               "Recall is about the real 1s: of those, how many did the classifier find?",
               "Recall = true positives / all real members of the class (true positives + false negatives).",
               "40 real 1s were found and 10 were missed: divide the found by the total."),
        known={40 / 45: N_("your answer divides by the images predicted as 1 (40 + 5); recall divides by the real 1s")}),
    "10.l2_gradient": Numeric(
        0.06, "exact", N_("The penalty's slope at w = 3 is 0.06: L2 pulls every weight towards 0 in proportion to its "
                       "size ('weight decay')."),
        Ladder("The cures, derived",
               "Differentiate the penalty with respect to w, then put in the numbers.",
               "The penalty is lambda w² (Keras's form, no 1/2); its derivative with respect to w brings down the "
               "square's 2.",
               "Multiply 2 x lambda x w with lambda = 0.01 and w = 3."),
        known={0.03: N_("that is lambda w: the derivative of w² is 2w"),
               0.09: N_("that is the penalty lambda w² itself, not its gradient"),
               6.0: N_("that is 2 w, the slope of w² alone: the penalty is lambda w², so its slope has lambda in it too"),
               -0.06: N_("that is minus the gradient, the direction a step moves w; the gradient itself is positive at "
                      "w = 3, where the penalty grows with w")}),
    "10.dropout_scale": Numeric(
        2.0, "exact", N_("Keras scales the units it keeps so that the expected activation is unchanged: inference "
                      "needs no correction."),
        Ladder("The cures, derived",
               "Keras scales the kept units so that each unit's expected value stays what it was.",
               "A unit survives with probability 1 - rate; multiplying the survivors by s gives the expected value "
               "s (1 - rate) a.",
               "Solve s x (1 - 0.5) = 1 for s."),
        known={0.5: N_("that multiplies by the keep probability: the expected activation would halve")}),
    "11.output_size": Numeric(
        10.0, "exact", N_("floor((32 - 5) / 3) + 1 = 10 ('same' padding would give ceil(32 / 3) = 11)."),
        Ladder("The formula: a cross-correlation",
               "Count the positions where a 5x5 kernel fits inside 32 pixels, then keep every third.",
               "With padding 'valid' the kernel stays inside the image: floor((n - k) / s) + 1 positions.",
               "n = 32, k = 5, s = 3: compute floor(27 / 3) + 1."),
        known={9.0: N_("that leaves out the first position (the + 1)"), 11.0: N_("that is what padding 'same' gives"),
               28.0: N_("that is stride 1")}),
    "11.conv_params": Numeric(
        5 * 5 * 8 * 64 + 64, "exact", N_("k*k*c_in*filters + filters = 5*5*8*64 + 64 = 12,864: the same kernel slides "
                                      "over every position, so the count does not depend on the image size."),
        Ladder("The formula: a cross-correlation",
               "Count one filter's weights (its kernel spans every input channel) and its bias, then multiply by "
               "the number of filters.",
               "Each filter has a k x k x c_in kernel and one bias; the image size does not enter.",
               "Compute (5 x 5 x 8 + 1) x 64."),
        known={12800.0: N_("that counts the kernels but no biases"), 1664.0: N_("that leaves out the 8 input channels"),
               1600.0: N_("that leaves out the 8 input channels and the biases")}),
    "12.linear_saliency": Numeric(
        -3.0, "exact", N_("For z = w . x + b the saliency dz/dx is w itself: -3 for x2. For a linear model saliency and "
                       "weights are the same explanation."),
        Ladder("The formulas",
               "Saliency is the derivative of the score with respect to one input: differentiate z by x2.",
               "For a linear model the derivative with respect to an input is that input's weight, sign included.",
               "Read the coefficient of x2 in z = 2 x1 - 3 x2 + 1, with its sign."),
        known={2.0: N_("that is x1's coefficient"),
               1.0: N_("that is the constant term +1, which does not change with x2")}),
    "12.constant_pixel": Numeric(
        0.0, "exact", N_("Shuffling a column that is always 0 changes nothing: its permutation importance is exactly 0 "
                      "(in these test digits 7 pixels are blank in every image, 6 of them in the left column)."),
        Ladder("Permutation importance of every pixel",
               "Think about what shuffling that pixel's column does to the inputs the model sees.",
               "Permutation importance is the score lost when a column is shuffled; if the inputs do not change, "
               "nothing is lost.",
               "A column of identical values is the same after any permutation: the predictions, and the score, "
               "stay as they were.")),
    "13.int8_bytes": Numeric(
        10_000.0, "exact", N_("One byte per weight: 10,000 bytes, a quarter of float32's 40,000."),
        Ladder("Pruning and quantisation",
               "How many bits does one int8 weight take, and how many bits make a byte?",
               "int8 is 8 bits, one byte, per weight (float32 takes 4 bytes).",
               "Multiply the number of weights by the bytes per weight."),
        known={40000.0: N_("that is float32's size, 4 bytes per weight"), 80000.0: N_("that counts bits, not bytes"),
               10004.0: N_("that adds one float32 scale; the question asks for the weights themselves")}),
    "13.soft_target": Numeric(
        float(np.exp(1) / (np.exp(1) + 1)), "2 decimals", N_("softmax([2, 0] / 2) = softmax([1, 0]): p = e / (e + 1) = "
                                                         "0.731, softer than softmax([2, 0]) = 0.881."),
        Ladder("Distillation",
               "Divide the logits by T before the softmax, then read the first class's probability.",
               "Soft targets are softmax(z / T): a larger T pulls the probabilities towards each other.",
               "z / T = (1, 0); the first probability is e^1 / (e^1 + e^0)."),
        known={float(np.exp(2) / (np.exp(2) + 1)): N_("that is the softmax at T = 1: divide the logits by T first"),
               float(np.exp(4) / (np.exp(4) + 1)): N_("that multiplies the logits by T; divide them by T")}),
    "14.batch_of_one": Numeric(
        2.0 * (3.0 - 1.0) / np.sqrt(4.0 + 1e-3) + 0.5, "2 decimals",
        N_("At inference mu and sigma are the moving statistics: x_hat = (3 - 1) / sqrt(4.001) = 0.9998 and "
        "y = 2 x 0.9998 + 0.5 = 2.50, and a batch of one is no problem. In training mode the same sample alone "
        "would give beta = 0.5, whatever x is."),
        Ladder("Training versus inference",
               "At inference the layer does not look at the batch: which mean and variance does it normalise with?",
               "The moving statistics replace the batch's: mu = 1 and sigma = sqrt(4 + epsilon), about 2; gamma and "
               "beta are applied as in training.",
               "x_hat = (x - moving mean) / sqrt(moving variance + epsilon), then y = gamma x_hat + beta."),
        known={0.5: N_("that is training mode's answer for a batch of one (beta); at inference the moving statistics "
                    "are used, and the batch does not matter"),
               6.5: N_("that is gamma x + beta: the layer normalises x first"),
               3.5: N_("that divides x by sigma without subtracting the moving mean first"),
               1.5: N_("that divides by the variance, 4, instead of its square root, or leaves out gamma"),
               2.0: N_("that is gamma x_hat without beta"),
               4.5: N_("that subtracts the mean but does not divide by sigma = sqrt(4 + epsilon)")}),
    "14.moving_start": Numeric(
        0.99 ** 18, "2 decimals", N_("0.99^18 = 0.83: after one epoch of 18 steps, 83 % of each moving statistic is "
                                  "still its initial value (mean 0, variance 1)."),
        Ladder("Pitfalls",
               "Each step keeps a fraction of the moving statistic and adds a little of the batch's: follow the "
               "initial value through the steps.",
               "Each step multiplies what is left of the initial value by the momentum, 0.99.",
               "Raise 0.99 to the power 18."),
        known={0.82: N_("that is 1 - 0.01 x 18: the steps multiply, they do not subtract"),
               0.01: N_("that is one step's share of the new batch"),
               0.99: N_("that is what one step keeps; there are 18 steps")}),
    "15.simple_rnn_params": Numeric(
        620.0, "exact", N_("W (10 x 20) + U (20 x 20) + b (20) = 200 + 400 + 20 = 620, whatever the sequence's length: "
                        "every step reuses them."),
        Ladder("One step, derived",
               "List the SimpleRNN's weights with their shapes: one kernel for the input, one for the state, a bias.",
               "W maps the step's 10 features to 20 units, U maps the 20-unit state to 20 units, b has one entry per "
               "unit; the steps share all three.",
               "Add 10 x 20, 20 x 20 and 20."),
        known={220.0: N_("that leaves out U, the recurrent kernel (20 x 20)"), 600.0: N_("that leaves out the bias"),
               420.0: N_("that leaves out W, the input kernel (10 x 20)")}),
    "15.lstm_params": Numeric(
        2480.0, "exact", N_("Four blocks (i, f, g, o), each a SimpleRNN's 620: 4 x (10 x 20 + 20 x 20 + 20) = 2,480."),
        Ladder("Gates: LSTM and GRU",
               "Count the blocks of columns in an LSTM's W, U and b, then one block's weights.",
               "An LSTM is four SimpleRNN-sized blocks side by side: the input, forget and output gates and the "
               "candidate, each with its own columns of W, U and b.",
               "Multiply the SimpleRNN's count for 10 inputs and 20 units by 4."),
        known={620.0: N_("that is one block; the LSTM has four (i, f, g, o)"),
               1860.0: N_("that is three blocks (a GRU's, without its second bias); the LSTM has four"),
               2400.0: N_("that leaves out the biases (4 x 20)")}),
    "15.vanishing_factor": Numeric(
        0.8 ** 20, "2 significant digits", N_("0.8^20 = 0.0115: after 20 steps back, about 1 % of the gradient is "
                                            "left; a geometric decay, as in lesson 08's deep networks."),
        Ladder("Vanishing and exploding through time, measured",
               "Each step back multiplies by the same factor: how many times, and what does a repeated product "
               "make?",
               "The norm 20 steps back is the factor raised to the power 20 (relative to the last step's).",
               "Compute 0.8 to the power 20 and give 2 significant digits."),
        known={16.0: N_("that multiplies 0.8 by 20; the factors multiply each other: raise to the power"),
               0.2 ** 20: N_("that is 0.2 to the power 20; the factor per step is 0.8"),
               0.8: N_("that is one step's factor; there are 20 steps"),
               0.8 ** 19: N_("that is 19 factors; going 20 steps back multiplies by 0.8 twenty times"),
               0.8 ** 21: N_("that is 21 factors; going 20 steps back multiplies by 0.8 twenty times")}),
    "16.score_std": Numeric(
        8.0, "2 significant digits", N_("Each product q_i k_i of two independent numbers of variance 2 has variance "
                                     "2 x 2 = 4; q.k adds 16 of them: variance 64, standard deviation 8. Dividing by "
                                     "sqrt(d_k) = 4 brings it to 2, not 1: the scale assumes unit-variance entries."),
        Ladder("Why divide by sqrt(d_k)",
               "First the variance of one product q_i k_i of two independent mean-0 numbers; then the score adds "
               "d_k of them.",
               "The variance of a product of independent mean-0 numbers is the product of their variances; "
               "variances of independent terms add; the standard deviation is the square root.",
               "Multiply 2 by 2, multiply by 16, take the square root."),
        known={64.0: N_("that is the variance; the standard deviation is its square root"),
               4.0: N_("that is sqrt(16), right for entries of variance 1; here each entry has variance 2"),
               32.0: N_("that is a variance, and it takes each product's variance as 2; a product of two variance-2 "
                     "numbers has variance 4"),
               np.sqrt(32): N_("that takes each product's variance as 2; a product of two independent variance-2 numbers "
                            "has variance 2 x 2"),
               2.0: N_("that is the standard deviation AFTER dividing by sqrt(d_k) = 4; the question asks before"),
               1.0: N_("that would be the scaled score with unit-variance entries; the question asks for the unscaled "
                    "score with variance-2 entries")}),
    "16.mha_params": Numeric(
        1212.0, "exact", N_("Wq, Wk, Wv are (24, 3, 4) each, 288 weights, plus a bias (3, 4) each: 3 x 300 = 900; Wo is "
                         "(3, 4, 24), 288, plus bo (24): 312. In all 1,212: with heads x key_dim = 12 < 24, fewer "
                         "than four Dense(24, 24) layers (2,400)."),
        Ladder("Several heads",
               "List the layer's eight weights with their shapes in Keras's layout: three input kernels with their "
               "biases, one output kernel with its bias.",
               "Each input kernel is (d_model, heads, key_dim) with a bias (heads, key_dim); the output kernel is "
               "(heads, key_dim, d_model) with a bias (d_model).",
               "3 x (24 x 3 x 4 + 3 x 4) + (3 x 4 x 24 + 24)."),
        known={1152.0: N_("that leaves out the four biases (3 x 12 + 24 = 60)"),
               900.0: N_("that leaves out the output kernel and its bias"),
               420.0: N_("that counts one head; the kernels hold all three heads (3 x 4 columns)"),
               2400.0: N_("that gives the heads 24 / 3 = 8 features each; here key_dim is 4"),
               1164.0: N_("that leaves out the three input biases (3 x 12)"),
               1188.0: N_("that leaves out the output bias (24)")}),
    "17.kl_value": Numeric(
        2.5, "2 decimals", N_("-0.5 [(1 + 0 - 1 - 1) + (1 + 0 - 4 - 1)] = -0.5 (-1 - 4) = 2.5: with sigma = 1 only the "
                           "means cost, mu^2 / 2 each."),
        Ladder("The formula, derived",
               "Write the KL's term for each of the two latent numbers and add them.",
               "With log_var = 0, sigma^2 = 1 and the terms 1 + log_var - exp(log_var) cancel: only -mu^2 is left "
               "inside the bracket.",
               "KL = 0.5 (1^2 + (-2)^2)."),
        known={5.0: N_("that leaves out the factor 1/2"), 1.5: N_("that is 0.5 (1 - 2): mu is squared, so the sign goes"),
               -2.5: N_("a KL divergence is never negative: check the sign in front of the sum"),
               0.5: N_("that counts the first latent number only; the KL adds both"),
               2.0: N_("that counts the second latent number only; the KL adds both"),
               3.0: N_("that is not the answer rounded: work out each latent number's term exactly")}),
    "17.kl_wide": Numeric(
        0.5 * (3.0 - np.log(4.0)), "2 decimals", N_("log_var = log 4: KL = -0.5 (1 + log 4 - 0 - 4) = 0.5 (3 - log 4) = "
                                                 "0.81. Too wide a q costs as well as too narrow a one."),
        Ladder("The formula, derived",
               "Turn sigma = 2 into log_var first: the formula is written with log_var.",
               "log_var is the log of the variance, sigma^2 = 4, so log_var = log 4 and exp(log_var) = 4.",
               "KL = -0.5 (1 + log 4 - 0^2 - 4), with the natural log."),
        known={0.5 * (3.0 - np.log(2.0)): N_("that uses log sigma for log_var; log_var is the log of sigma^2 = 4"),
               0.0: N_("mu = 0 is not enough: the KL is 0 only when sigma = 1 too"),
               0.5 * (1.0 - np.log(2.0)): N_("that takes sigma^2 = 2; sigma = 2, so sigma^2 = 4"),
               3.0 - np.log(4.0): N_("that leaves out the factor 1/2")}),
}

WORDS = {
    "00.choose_with": Word(
        ("validation", "val", "validation set", "the validation set", "validation data", "the validation data"),
        ("train", "validation", "test"),
        N_("Choose settings on the validation set; the test set only reports the final result."),
        Ladder("3–4. Train, and validate after every epoch",
               "Ask which number must still be honest after every choice is made, and which data the weights "
               "were fitted to.",
               "Settings are chosen on data the weights were not fitted to, and the final report comes from data "
               "no choice has seen.",
               "Training data fits the weights, one set chooses among settings, one reports once at the end: "
               "answer with the set whose job is choosing."),
        known={**dict.fromkeys(("train", "training", "training set", "the training set", "train set"),
                               N_("the weights were fitted to the training set, so its accuracy favours the settings "
                               "that memorise best")),
               **dict.fromkeys(("test", "test set", "the test set"),
                               N_("a test accuracy used to choose stops being an honest estimate of the final model"))}),
    "01.xor_one_neuron": Word(
        ("no", "no.", "n", "false", "impossible", "0"), ("yes", "no"),
        N_("No line puts (0,1), (1,0) on one side and (0,0), (1,1) on the other: XOR needs a hidden layer."),
        Ladder("Why XOR is impossible, and what fixes it",
               "Try to draw one straight line with (0, 1) and (1, 0) on one side and (0, 0), (1, 1) on the other.",
               "One neuron's decision boundary is one straight line, and XOR's two classes sit on the two "
               "diagonals of the square.",
               "Write the four conditions: w2 + b > 0 and w1 + b > 0 for class 1, b <= 0 and w1 + w2 + b <= 0 for "
               "class 0; add the first two and compare with the sum of the last two."),
        known={"yes": N_("name the line: which (w1, w2, b) puts the two diagonals on different sides?"),
               "true": N_("name the line: which (w1, w2, b) puts the two diagonals on different sides?")}),
    "04.predict_at_bound": Word(
        ("oscillates", "oscillate", "oscillating", "bounces", "flips"), ("converges", "oscillates", "diverges"),
        N_("w2 <- (1 - 0.04 x 50) w2 = -w2: it flips sign every step and never shrinks, while w1 slowly converges."),
        Ladder("The formula, derived",
               "Write one step along w2 alone at this rate and look at the factor that multiplies w2.",
               "A step multiplies w2 by (1 - lr x 50): inside (-1, 1) it shrinks w2, outside it grows it, and its "
               "sign says whether w2 keeps or flips its sign.",
               "Compute 1 - 0.04 x 50 and apply it to w2 = 1 three times."),
        known={"converges": N_("the question is about w2, not w1 (which does converge): look at |w2| in the printed "
                            "steps. If you expected w2 to drop to 0 in one step, you took 25, the coefficient of "
                            "25 w2², for its curvature: the curvature is the second derivative"),
               "diverges": N_("look at |w2| in the printed steps: does it grow?")}),
    "06.predict_saturated": Word(
        ("smaller", "decreases", "vanishes", "shrinks", "lower"), ("larger", "smaller"),
        N_("With b = -6, z = -4.9 and a = -0.9999: the prediction is as wrong as it can be (L = 4), yet tanh'(z) = "
        "1 - a² = 2e-4 makes dL/dw1 about 100 times smaller: a saturated neuron barely learns."),
        Ladder("The intuition: one neuron as a graph",
               "dL/dw1 is a product of factors along the graph: find the one that changes most when b goes to -6.",
               "dL/dw1 contains tanh'(z) = 1 - tanh(z)², which is tiny when |z| is large: a saturated neuron.",
               "Compute z = w.x + b with b = -6, then 1 - tanh(z)², and compare its change with dL/da's."),
        known={w: N_("that follows dL/da only (the error grows); dL/dw1 has other factors too")
               for w in ("larger", "bigger", "increases", "grows", "higher")}),
    "07.xor_two_in_practice": Word(
        ("no", "false"), ("yes", "no"),
        N_("Two tanh neurons can draw the two lines, but gradient descent rarely finds them on the Playground's "
        "quadrant XOR: over 5 seeds none reached 95 % test accuracy (the best 88 %), while 3 or 4 neurons average "
        "about 93 % "
        "(spare neurons give it more ways down)."),
        Ladder("Exercise 3, measured",
               "Run the measurement cell at the end of the lesson and read the two-neuron row.",
               "Two lines suffice in principle (exercise 2), but gradient descent has to find them from random "
               "weights, on noisy quadrants.",
               "Compare the best of the five two-neuron seeds with 95 %."),
        known={"yes": N_("look at the two-neuron row of the measurement: does any seed reach 95 %?")}),
    "15.temperature_zero": Word(
        ("greedy", "argmax", "max", "maximum", "most likely", "most probable", "the most likely",
         "the most likely character", "most likely character", "the most probable character", "deterministic"),
        ("greedy", "uniform"),
        N_("softmax(z / T) puts all its probability on the largest logit as T goes to 0: sampling becomes greedy (the "
        "argmax), and a greedy character model repeats itself."),
        Ladder("A character model and its temperature",
               "Divide two logits, say 2 and 1, by a small temperature such as 0.01 and look at their softmax.",
               "Dividing by T multiplies every difference between logits by 1/T: as T goes to 0 the largest logit's "
               "lead grows without bound.",
               "Compare exp(z_max / T) with exp(z_other / T) as T shrinks: the ratio goes to infinity."),
        known={"uniform": N_("that is the limit of a LARGE temperature: z / T goes to 0 for every character")}),
    "16.swap_without_positions": Word(
        ("swap", "swapped", "they swap", "swaps", "exchange", "exchanged", "permuted", "permute"),
        ("swap", "change"),
        N_("Without a position code and without a mask, attention sees a set: swapping two inputs swaps their two "
        "outputs and leaves every other output exactly as it was. That is why the model needs positions."),
        Ladder("Where is each token? Positions",
               "Write the output at position t as a sum over the keys: does any term depend on WHERE a key is?",
               "The scores, the softmax and the weighted mean all run over the keys as a set; a query's own output "
               "depends on its own vector, not on its index.",
               "Follow the output of the token that moved: same vector, same keys as a set, so the same output, now "
               "at its new place."),
        known={"change": N_("write position t's output as a sum over the keys: nothing in it depends on where a key "
                         "sits, so the outputs are the same numbers, only moved")}),
}

CUSTOM = {
    "00.workflow_order": Custom(_workflow_order, Ladder(
        "Summary",
        "Ask of each step which data it needs, and whether that data must be ready (split? scaled?) before it "
        "runs.",
        "Data before model, model before training, training before choosing settings, and the test set touched "
        "last, once.",
        "Find the step that splits and scales (first), the one that picks the layers, the one that fits the "
        "weights, the one that compares settings, and the final report; write their letters in that order.")),
    "01.and_neuron": Custom(_and_neuron, Ladder(
        "The formula, step by step",
        "Check z = w1 x1 + w2 x2 + b at each of the four points: only (1, 1) may be positive.",
        "The line z = 0 must leave (1, 1) alone on its positive side: b negative enough that (0, 1) and (1, 0) "
        "stay negative, but w1 + w2 + b > 0.",
        "Pick w1 and w2 (unequal ones tilt the line), then a bias b strictly between -(w1 + w2) and -max(w1, w2).")),
}

QUIZZES = {**NUMERIC, **WORDS, **CUSTOM}


def precision_of(exercise: str) -> str:
    """The precision a numeric quiz asks for, e.g. '2 decimals' (for the lesson to print; in the language in use)."""
    if exercise not in NUMERIC:
        raise ValueError(f"{exercise!r} is not a numeric quiz. Numeric quizzes: {', '.join(sorted(NUMERIC))}.")
    return _shown_precision(NUMERIC[exercise].precision)
