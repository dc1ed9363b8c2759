"""Rasa 3.x NLU training data: load, validate, and say exactly where a problem is.

One file per language variant; the file name (without .yml) is the language tag
of every example in it (`sr-Cyrl.yml`, `fa-Latn.yml`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from nlu.normalize import normalize
from nlu.yaml_source import ProblemsError, compose_mapping

DATA_DIR = Path(__file__).parent / "data"
NLU_DIR = DATA_DIR / "nlu"
TAXONOMY_FILE = DATA_DIR / "intents.yml"

_TOP_KEYS = {"version", "nlu"}
_ITEM_KEYS = {
    "intent": {"intent", "examples", "metadata"},
    "synonym": {"synonym", "examples"},
    "lookup": {"lookup", "examples"},
    "regex": {"regex", "examples"},
}
# Rasa's entity annotation: [text](entity), [text]{"entity": ...}, [text][...]
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")


class TrainingDataError(ProblemsError):
    """Training data that cannot be used; the message names each file and line."""


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str
    source: str  # "path:line", for error messages and reports


@dataclass
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)

    @property
    def intents(self) -> list[str]:
        return sorted({e.intent for e in self.examples})

    @property
    def languages(self) -> list[str]:
        return sorted({e.language for e in self.examples})


def load_taxonomy(path: Path = TAXONOMY_FILE) -> dict[str, str]:
    """Intent name → what it means (the contract in intents.yml)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return dict(doc["intents"])


def strip_entity_markup(text: str) -> str:
    return _ENTITY_MARKUP.sub(r"\1", text)


def data_files(path: Path) -> list[Path]:
    """The .yml/.yaml files at `path` (a file, or a directory searched recursively)."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise TrainingDataError([f"{path}: no such file or directory"])
    files = sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
    if not files:
        raise TrainingDataError([f"{path}: no .yml training data files found"])
    return files


def load(path: Path | str = NLU_DIR, taxonomy: Iterable[str] | None = None) -> TrainingData:
    """Load and validate every file at `path`. Raise TrainingDataError listing all problems."""
    known = set(taxonomy) if taxonomy is not None else None
    data = TrainingData()
    problems: list[str] = []
    first_seen: dict[tuple[str, str], Example] = {}
    for file in data_files(Path(path)):
        problems.extend(_load_file(file, data, first_seen, known))
    if not data.examples and not problems:
        problems.append(f"{path}: the training data holds no examples")
    if problems:
        raise TrainingDataError(problems)
    return data


def _load_file(
    file: Path,
    data: TrainingData,
    first_seen: dict[tuple[str, str], Example],
    known: set[str] | None,
) -> list[str]:
    problems: list[str] = []
    language = file.stem
    root = compose_mapping(file, problems, "a mapping with 'version' and 'nlu'")
    if root is None:
        return problems

    top = {key.value: (key, value) for key, value in root.value}
    for name, (key, _) in top.items():
        if name not in _TOP_KEYS:
            problems.append(f"{file}, line {key.start_mark.line + 1}: unknown key '{name}'")
    version = top.get("version")
    if version is None or not str(version[1].value).startswith("3."):
        problems.append(f'{file}, line 1: missing or unsupported version (want "3.1")')
    if "nlu" not in top:
        return [*problems, f"{file}, line 1: no 'nlu:' section"]
    items = top["nlu"][1]
    if not isinstance(items, yaml.SequenceNode):
        line = items.start_mark.line + 1
        return [*problems, f"{file}, line {line}: 'nlu' must be a list of items"]

    seen_intents: set[str] = set()
    for item in items.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            problems.append(f"{file}, line {line}: each 'nlu' item must be a mapping")
            continue
        fields = {k.value: v for k, v in item.value}
        kind = next((k for k in _ITEM_KEYS if k in fields), None)
        if kind is None:
            problems.append(f"{file}, line {line}: item is not an intent, synonym, lookup or regex")
            continue
        for name in fields:
            if name not in _ITEM_KEYS[kind]:
                problems.append(f"{file}, line {line}: unknown key '{name}' in {kind} item")
        label = str(fields[kind].value).strip()
        examples_node = fields.get("examples")
        if not isinstance(examples_node, yaml.ScalarNode):
            problems.append(f"{file}, line {line}: {kind} '{label}' has no 'examples: |' block")
            continue
        lines = example_lines(examples_node, file, problems)
        if kind == "synonym":
            data.synonyms.update({text.casefold(): label for text, _ in lines})
        elif kind == "lookup":
            data.lookups.setdefault(label, []).extend(text for text, _ in lines)
        elif kind == "intent":
            if known is not None and label not in known:
                problems.append(f"{file}, line {line}: intent '{label}' is not in the taxonomy")
            if label in seen_intents:
                problems.append(f"{file}, line {line}: intent '{label}' is listed twice")
            seen_intents.add(label)
            if not lines:
                problems.append(f"{file}, line {line}: intent '{label}' has no examples")
            for text, ex_line in lines:
                example = Example(text, label, language, f"{file}:{ex_line}")
                key = (language, normalize(text))
                earlier = first_seen.get(key)
                if earlier is None:
                    first_seen[key] = example
                    data.examples.append(example)
                elif earlier.intent != label:
                    problems.append(
                        f"{file}, line {ex_line}: '{text}' is listed under '{label}' and under "
                        f"'{earlier.intent}' ({earlier.source})"
                    )
    return problems


def example_lines(node: yaml.ScalarNode, file: Path, problems: list[str]) -> list[tuple[str, int]]:
    """The '- text' lines of an examples block, with their line numbers in the file."""
    # A block scalar's content starts on the line after its '|' indicator.
    first = node.start_mark.line + (2 if node.style == "|" else 1)
    found = []
    for offset, raw in enumerate(str(node.value).splitlines()):
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("- "):
            problems.append(f"{file}, line {first + offset}: example must start with '- ': {line}")
            continue
        text = strip_entity_markup(line[2:].strip())
        if text:
            found.append((text, first + offset))
    return found
