"""YAML that people edit by hand: read with line numbers, refuse with every problem.

Used by the NLU's training data and by the bot's flows (the bot may import nlu; nlu
never imports the bot).
"""

from __future__ import annotations

from pathlib import Path

import yaml


class ProblemsError(ValueError):
    """Input that cannot be used; one line per problem, each naming file and line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def compose_mapping(file: Path, problems: list[str], expected: str) -> yaml.MappingNode | None:
    """The file's top-level mapping node (which keeps line numbers), or None after
    appending a problem that says what is wrong and where."""
    try:
        root = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        problem = getattr(exc, "problem", None) or str(exc)
        problems.append(f"{file}, {where}: not valid YAML ({problem})")
        return None
    except UnicodeDecodeError:
        problems.append(f"{file}: not UTF-8 text")
        return None
    if not isinstance(root, yaml.MappingNode):
        problems.append(f"{file}, line 1: expected {expected}")
        return None
    return root
