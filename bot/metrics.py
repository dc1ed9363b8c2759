"""Prometheus metrics (served at /metrics). Labels never carry ids or text."""

from prometheus_client import Counter, Histogram

TURNS = Counter("helpline_turns_total", "Message turns handled", ["channel", "outcome"])
TURN_SECONDS = Histogram(
    "helpline_turn_seconds",
    "Time to handle one turn",
    buckets=(0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)
DUPLICATES = Counter(
    "helpline_duplicate_messages_total", "Redelivered messages dropped", ["channel"]
)
HANDOFFS = Counter("helpline_handoffs_total", "Cases opened or raised by a turn", ["priority"])
FLOW_RELOADS = Counter("helpline_flow_reloads_total", "Flow reloads", ["result"])
