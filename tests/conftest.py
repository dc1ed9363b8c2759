"""Shared fixtures. The full NLU model is trained once per test run and shared."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from nlu import Interpreter
from nlu.config import NLUConfig

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "data" / "nlu_eval"

TINY_DATA = {
    "en.yml": """\
        version: "3.1"
        nlu:
        - intent: greet
          examples: |
            - hello
            - hi there
            - good morning
            - salam friend
            - hey
            - hello hello
        - intent: shelter
          examples: |
            - where can i sleep tonight
            - i need a bed
            - is there a camp near here
            - no place to stay
            - looking for a room for my family
            - shelter please
        - intent: medical_help
          examples: |
            - i need a doctor
            - my child has fever
            - where is the hospital
            - my tooth hurts
            - i need medicine
            - pain in my leg
        """,
    "fr.yml": """\
        version: "3.1"
        nlu:
        - intent: greet
          examples: |
            - bonjour
            - salut
            - bonsoir
            - slt
            - coucou
            - bjr tout le monde
        - intent: shelter
          examples: |
            - ou dormir ce soir
            - je cherche un lit
            - un abri svp
            - pas de logement
            - il y a un camp ici
            - je dors dehors
        - intent: medical_help
          examples: |
            - je cherche un medecin
            - mon fils a de la fievre
            - ou est l hopital
            - j ai mal aux dents
            - il me faut des medicaments
            - douleur a la jambe
        """,
}


def pytest_report_header(config: pytest.Config) -> list[str]:
    from tests.bot.conftest import report_header

    return report_header()


@pytest.fixture(scope="session")
def tiny_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("tiny_data")
    for name, text in TINY_DATA.items():
        (directory / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def full_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full model, trained once per run by Interpreter.load on an empty directory."""
    directory = tmp_path_factory.mktemp("nlu_model")
    Interpreter.load(directory, NLUConfig(model_dir=directory))
    return directory


@pytest.fixture(scope="session")
def interpreter(full_model_dir: Path) -> Interpreter:
    return Interpreter.load(full_model_dir, NLUConfig(model_dir=full_model_dir))


@pytest.fixture(scope="session")
def python() -> str:
    return sys.executable
