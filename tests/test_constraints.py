"""The exact version sets make test installs stay inside what pyproject.toml declares, and the lowest
set (constraints-lowest.txt) is at the declared minimums: every version the package declares is tested."""
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
SETS = ("constraints.txt", "constraints-colab.txt", "constraints-lowest.txt")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(filename: str) -> dict[str, Version]:
    found = {}
    for line in (ROOT / filename).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==", 1)
            found[normal(name)] = Version(version.split(";")[0].strip())
    return found


def declared() -> list[Requirement]:
    """dlteach's requirements that apply here: its dependencies and the extras make test installs."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["test"] + project["optional-dependencies"]["lab"]
    return [r for r in map(Requirement, lines) if r.marker is None or r.marker.evaluate()]


@pytest.mark.parametrize("filename", SETS)
def test_every_pinned_set_is_inside_the_declared_ranges(filename):
    pinned = pins(filename)
    outside = [f"{r.name} {pinned.get(normal(r.name))} not in '{r.specifier}'" for r in declared()
               if normal(r.name) not in pinned or pinned[normal(r.name)] not in r.specifier]
    assert not outside, f"{filename}: {outside}"


def test_the_lowest_set_is_at_every_declared_minimum():
    """A requirement '>=3.8.4' is tested at 3.8.4, '>=4' at some 4.x: the pin agrees with the minimum in as
    many parts as the minimum gives. Regenerate with `make constraints-lowest` after raising one."""
    pinned = pins("constraints-lowest.txt")
    above = []
    for r in declared():
        for spec in r.specifier:
            if spec.operator in (">=", "=="):
                minimum, have = Version(spec.version).release, pinned[normal(r.name)].release
                if have[:len(minimum)] != minimum:
                    above.append(f"{r.name}: {spec} but the lowest set has {pinned[normal(r.name)]}")
    assert not above, above


def test_colab_runs_only_its_keras_tests_because_every_other_requirement_lies_between_lowest_and_pinned():
    """make test runs, in Colab's set, the unit tests named for Keras or GradientTape (COLAB_OWN in the Makefile)
    and no lesson: for every other requirement dlteach declares, Colab's version lies between the lowest and the
    pinned one, which both run every unit test and execute every lesson; the day Colab's set leaves that box, its
    part of make test must grow again (make test-colab still executes the Chinese lessons there)."""
    makefile = (ROOT / "Makefile").read_text()
    assert 'COLAB_OWN := -k "keras or tape"' in makefile
    recipe = makefile.split("\ntest: ", 1)[1].split("\n\n", 1)[0]
    assert "unit-colab" in recipe and "lessons-lowest" in recipe and "unit-lowest" in recipe
    assert "lessons-colab" not in recipe
    colab, lowest, newest = pins("constraints-colab.txt"), pins("constraints-lowest.txt"), pins("constraints.txt")
    outside = [f"{r.name}: lowest {lowest[normal(r.name)]}, Colab {colab[normal(r.name)]}, pinned {newest[normal(r.name)]}"
               for r in declared() if normal(r.name) in colab
               and not lowest[normal(r.name)] <= colab[normal(r.name)] <= newest[normal(r.name)]]
    assert not outside, outside


def test_lowest_skips_only_the_keras_tests_colabs_same_tensorflow_already_ran():
    """make test-lowest leaves out the tests named for Keras or GradientTape (LOWEST_SAME_AS_COLAB in the Makefile)
    because the Colab run has them on the lowest set's TensorFlow, with a Keras at most a patch release apart; the day
    they differ more, those tests must run there."""
    makefile = (ROOT / "Makefile").read_text()
    assert 'LOWEST_SAME_AS_COLAB := -k "not keras and not tape"' in makefile
    colab, lowest = pins("constraints-colab.txt"), pins("constraints-lowest.txt")
    assert colab["tensorflow-cpu"] == lowest["tensorflow-cpu"]
    assert colab["keras"].release[:2] == lowest["keras"].release[:2]
