"""helpline's NLU: intent and language of a message, in Rasa's parse format.

    from nlu import Interpreter
    interpreter = Interpreter.load()
    interpreter.parse("mujhe doctor chahiye")

Standalone: this package never imports `bot`.
"""

from nlu.interpreter import FALLBACK_INTENT, Interpreter

__all__ = ["FALLBACK_INTENT", "Interpreter"]
