"""docker-compose.yml and the Dockerfile use only commands and settings that exist.

(No Docker engine runs here, so the compose file is checked, not started.)
"""

import re

import yaml

from bot.__main__ import build_parser
from bot.settings import Settings
from tests.conftest import ROOT

SETTINGS = {f.validation_alias.choices[0] for f in Settings.model_fields.values()}


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_helpline_services_run_real_commands_with_real_settings():
    services = compose()["services"]
    assert {"web", "worker", "postgres", "redis"} <= set(services)
    for name in ("web", "worker"):
        service = services[name]
        command = service["command"]
        assert command[0] == "helpline"
        build_parser().parse_args(command[1:])  # exits on an unknown command or option
        unknown = set(service["environment"]) - SETTINGS
        assert not unknown, f"{name}: settings that do not exist: {unknown}"
        assert service["environment"]["HELPLINE_ENV"] == "production"
        assert "healthcheck" in service
        assert set(service["depends_on"]) == {"postgres", "redis"}
    assert build_parser().parse_args(services["web"]["command"][1:]).role == "web"
    assert build_parser().parse_args(services["worker"]["command"][1:]).role == "worker"


def test_backing_services_are_durable_and_checked():
    services = compose()["services"]
    assert "--appendonly" in services["redis"]["command"]
    for name in ("postgres", "redis"):
        assert services[name]["volumes"] and "healthcheck" in services[name]
    assert set(compose()["volumes"]) == {"postgres-data", "redis-data"}


def test_no_secret_is_written_into_the_compose_file():
    text = (ROOT / "docker-compose.yml").read_text()
    assert re.findall(r"HELPLINE_SECRET_KEY: (\S+)", text) == ["${HELPLINE_SECRET_KEY:?set"]


def test_dockerfile_command_and_settings_exist():
    text = (ROOT / "Dockerfile").read_text()
    command = re.search(r'CMD \["helpline", (.*)\]', text).group(1)
    build_parser().parse_args([part.strip(' "') for part in command.split(",")])
    for variable in re.findall(r"\b([A-Z_]+)=", text.split("ENV", 1)[1].split("WORKDIR")[0]):
        assert variable in SETTINGS | {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"}


def test_readme_documents_every_setting_and_command():
    readme = (ROOT / "README.md").read_text()
    for variable in SETTINGS:
        assert f"`{variable}`" in readme, variable
    for command in ("serve", "demo", "chat", "db upgrade", "flows validate", "config"):
        assert f"`helpline {command}" in readme, command
    head = "\n".join(readme.splitlines()[:5])
    assert "make demo" in head and "make test" in head
