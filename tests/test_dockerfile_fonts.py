"""The Docker image has the Japanese font the charts and the org map ask for first.

There is no Docker here to build the image: this reads the Dockerfile. Its final stage must
install ``fonts-noto-cjk`` (without recommended packages, the apt lists removed in the same
layer), the package CI installs too, and that package's family must be the first the drawings
ask for (matplotlib's list in :mod:`viz.charts`, the browser's font stack in :mod:`viz.org_map`).
"""

from __future__ import annotations

import re

from tests.conftest import REPO
from viz.charts import JAPANESE_FONTS
from viz.org_map import FONT_STACK

#: The Debian package, and the family matplotlib and the browser know it by.
PACKAGE, FAMILY = "fonts-noto-cjk", "Noto Sans CJK JP"


def instructions(text: str) -> list[tuple[str, str]]:
    r"""The Dockerfile's instructions as (keyword, arguments), comments dropped and continuation
    lines joined.

    >>> instructions("FROM a AS b\n# x\nRUN apt-get update \\\n && true\n")
    [('FROM', 'a AS b'), ('RUN', 'apt-get update   && true')]
    """
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (keyword.upper(), rest.strip())
        for keyword, _, rest in (line.strip().partition(" ") for line in joined.splitlines())
        if keyword
    ]


def final_stage() -> list[tuple[str, str]]:
    steps = instructions((REPO / "Dockerfile").read_text(encoding="utf-8"))
    last_from = max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def test_the_final_stage_installs_the_font_lean_and_cleans_up() -> None:
    runs = [args for keyword, args in final_stage() if keyword == "RUN"]
    installs = [r for r in runs if re.search(rf"apt-get install\b.*\b{PACKAGE}\b", r)]
    assert len(installs) == 1, runs
    (install,) = installs
    assert "--no-install-recommends" in install and "-y" in install.split()
    assert install.index("apt-get update") < install.index("apt-get install")
    assert install.rstrip().endswith("rm -rf /var/lib/apt/lists/*")


def test_the_image_checks_at_build_time_that_the_charts_find_it() -> None:
    stage = final_stage()
    user = next(i for i, (keyword, args) in enumerate(stage) if keyword == "USER")
    checks = [
        args for keyword, args in stage[user:] if keyword == "RUN" and "japanese_font()" in args
    ]
    assert checks and "JAPANESE_FONTS[0]" in checks[0]  # as the user who runs the service


def test_the_package_is_the_one_ci_installs_and_its_family_comes_first() -> None:
    assert PACKAGE in (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert JAPANESE_FONTS[0] == FAMILY
    assert FONT_STACK.split(",")[0].strip().strip('"') == FAMILY
