"""The services directory: emergency, hotline and partner contacts per country.

Read from flows/services/<country>.yml. Every entry names its source and starts
unverified; the helpline shows only what is in these files, never an invented number.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.i18n import N_

SERVICE_TYPES = (
    "emergency",
    "anti_trafficking",
    "child_helpline",
    "gbv",
    "shelter",
    "medical",
    "psychosocial",
    "legal_aid",
    "asylum",
    "family_tracing",
    "voluntary_return",
    "basic_needs",
    "helpline",
)
# Names are msgids: translated where they are shown.
COUNTRY_NAMES = {
    "albania": N_("Albania"),
    "bosnia_and_herzegovina": N_("Bosnia and Herzegovina"),
    "kosovo": N_("Kosovo"),
    "montenegro": N_("Montenegro"),
    "north_macedonia": N_("North Macedonia"),
    "serbia": N_("Serbia"),
}


@dataclass(frozen=True)
class Service:
    name: str
    phone: str | None
    hours: str | None
    source: str
    verified_on: str | None

    def line(self) -> str:
        parts = [self.name]
        if self.phone:
            parts.append(self.phone)
        if self.hours:
            parts.append(f"({self.hours})")
        return " — ".join(parts[:2]) + (f" {parts[2]}" if len(parts) > 2 else "")


class ServicesError(ValueError):
    pass


def load_services(directory: Path) -> dict[str, dict[str, list[Service]]]:
    """country → service type → services. Raises ServicesError naming the file."""
    directory_map: dict[str, dict[str, list[Service]]] = {}
    for file in sorted(directory.glob("*.yml")):
        try:
            doc = yaml.safe_load(file.read_text(encoding="utf-8"))
            country = doc["country"]
            services = {}
            for kind, entries in (doc.get("services") or {}).items():
                if kind not in SERVICE_TYPES:
                    raise ServicesError(f"{file}: unknown service type '{kind}'")
                services[kind] = [
                    Service(
                        name=str(e["name"]),
                        phone=str(e["phone"]) if e.get("phone") is not None else None,
                        hours=e.get("hours"),
                        source=str(e["source"]),
                        verified_on=e.get("verified_on"),
                    )
                    for e in entries
                ]
        except ServicesError:
            raise
        except (yaml.YAMLError, KeyError, TypeError, AttributeError) as exc:
            raise ServicesError(f"{file}: not a valid services file ({exc})") from exc
        directory_map[country] = services
    return directory_map
