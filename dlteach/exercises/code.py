"""Implementation exercises: the learner writes the function, the checker runs it against the
package's own implementation (and Keras/TensorFlow where the lesson has a twin).

One module per lesson (lesson_00.py ... lesson_13.py) holds that lesson's checkers: each exercise's
cases, reference, diagnoses and twin, then its CodeExercise (see runner.py); common.py has the
helpers they share. The references call dlteach's engine, never the instructors' solutions in
dlteach.solutions, so a checker and a solution are two independent implementations that the tests
hold against each other.
"""
from __future__ import annotations

from . import (lesson_00, lesson_01, lesson_02, lesson_03, lesson_04, lesson_05, lesson_06, lesson_07, lesson_08,
               lesson_09, lesson_10, lesson_11, lesson_12, lesson_13, lesson_14, lesson_15)
from . import lesson_16
from . import lesson_17

LESSONS = (lesson_00, lesson_01, lesson_02, lesson_03, lesson_04, lesson_05, lesson_06, lesson_07, lesson_08,
           lesson_09, lesson_10, lesson_11, lesson_12, lesson_13, lesson_14, lesson_15, lesson_16, lesson_17)

CODE_EXERCISES = {ex.id: ex for lesson in LESSONS for ex in lesson.EXERCISES}
