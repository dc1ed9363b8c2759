"""Intents from a remote Rasa server's POST /model/parse (for organisations that run one).

The language still comes from the local model (Rasa does not return one). If the
server cannot be reached or answers badly, the message is parsed by the local model
instead, so a Rasa outage degrades understanding but never drops a message.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from nlu.config import NLUConfig
from nlu.interpreter import RANKING_LENGTH, Interpreter
from nlu.model import NLUModel

log = logging.getLogger(__name__)


class RemoteParseError(RuntimeError):
    pass


class RemoteInterpreter(Interpreter):
    def __init__(
        self, model: NLUModel, config: NLUConfig, client: httpx.Client | None = None
    ) -> None:
        super().__init__(model, config)
        if not config.rasa_url:
            raise ValueError("RemoteInterpreter needs config.rasa_url")
        self.url = config.rasa_url.rstrip("/") + "/model/parse"
        self.client = client or httpx.Client(timeout=config.rasa_timeout)

    def parse(self, text: Any) -> dict[str, Any]:
        local = super().parse(text)
        analysed = local["text"][: self.config.max_input_chars]
        if not analysed.strip():
            return local
        try:
            remote = self._ask_rasa(analysed)
        except RemoteParseError as exc:
            # No message text in the log: only what went wrong.
            log.warning("Rasa server unavailable (%s); using the local model", exc)
            return local
        return {
            "text": local["text"],
            "intent": remote["intent"],
            "intent_ranking": remote.get("intent_ranking", [remote["intent"]])[:RANKING_LENGTH],
            "entities": remote.get("entities", []),
            "language": local["language"],
            "risk": local["risk"],  # risk is always the local detector's
        }

    def _ask_rasa(self, text: str) -> dict[str, Any]:
        params = {"token": self.config.rasa_token} if self.config.rasa_token else None
        try:
            response = self.client.post(self.url, json={"text": text}, params=params)
        except httpx.HTTPError as exc:
            raise RemoteParseError(type(exc).__name__) from exc
        if response.status_code != 200:
            raise RemoteParseError(f"HTTP {response.status_code}")
        try:
            body = response.json()
            intent = body["intent"]
            name, confidence = intent["name"], float(intent["confidence"])
        except (ValueError, KeyError, TypeError) as exc:
            raise RemoteParseError("response is not in Rasa's parse format") from exc
        body["intent"] = {"name": name, "confidence": confidence}
        return body
