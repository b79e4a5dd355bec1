"""Tests written to kill the mutants that survived `make mutation` (docs/MUTATION.md).

Each test checks behaviour against an independent reference (a formula written out by hand, a
loop instead of a vectorised expression, a textbook value), never the code restated.
"""
