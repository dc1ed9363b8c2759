"""The `helpline` command as an admin runs it: real subprocesses, plain-word errors."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import ROOT

COMMANDS = [["serve"], ["demo"], ["chat"], ["db", "upgrade"], ["flows", "validate"], ["config"]]


def helpline(*args, env=None, stdin=None, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout,
    )  # fmt: skip


@pytest.fixture
def env(tmp_path, redis_url, full_model_dir):
    return {
        **os.environ,
        "HELPLINE_DATA_DIR": str(tmp_path / "data"),
        "REDIS_URL": redis_url,
        "NLU_MODEL_DIR": str(full_model_dir),
    }


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = helpline(*command, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: helpline " + " ".join(command))


def test_console_script_is_installed():
    script = shutil.which("helpline", path=os.path.dirname(sys.executable))
    assert script is not None
    assert "serve" in subprocess.run([script, "--help"], capture_output=True, text=True).stdout


def test_config_masks_secrets(env):
    env = {**env, "HELPLINE_SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://u:pw@db/h"}
    result = helpline("config", env=env)
    assert result.returncode == 0
    assert "HELPLINE_SECRET_KEY=********" in result.stdout
    assert "DATABASE_URL=postgresql://u:********@db/h" in result.stdout
    assert "x" * 40 not in result.stdout and ":pw@" not in result.stdout


def test_db_upgrade_creates_the_database(env, tmp_path):
    result = helpline("db", "upgrade", env=env)
    assert result.returncode == 0, result.stderr
    assert "the database schema is up to date" in result.stderr
    assert (tmp_path / "data" / "helpline.db").exists()


def test_flows_validate_ok_and_broken(env, tmp_path):
    result = helpline("flows", "validate", env=env)
    assert result.returncode == 0 and result.stdout.startswith("ok: 30 flows, 29 intents")
    broken = tmp_path / "flows"
    shutil.copytree(ROOT / "flows", broken)
    (broken / "shelter.yml").write_text(
        "version: 1\nflow: shelter\nsteps:\n  - id: a\n    goto: b\n"
    )
    result = helpline("flows", "validate", "--dir", str(broken), env=env)
    assert result.returncode == 2
    assert "cannot start: the flows have errors" in result.stderr
    assert "shelter.yml:4: unknown step 'b'" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_redis_is_said_plainly(env):
    result = helpline("chat", env={**env, "REDIS_URL": "redis://127.0.0.1:1/0"}, stdin="")
    assert result.returncode == 2
    assert "cannot start: Redis at redis://127.0.0.1:1/0 does not answer" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_secret_refuses_to_start(env):
    result = helpline("chat", env={**env, "HELPLINE_ENV": "production"}, stdin="")
    assert result.returncode == 2
    assert "HELPLINE_SECRET_KEY is required in production" in result.stderr


def test_chat_talks_like_a_person_would(env):
    result = helpline("chat", env=env, stdin="1\nwhere can i sleep tonight\n6\n/quit\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Which language do you want to write in?" in out
    assert "  1. English" in out and "  3. فارسی / دری" in out  # languages in their own names
    assert "Which country are you in now?" in out
    assert "Serbia" in out.split("Which country are you in now?")[-1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_serves_healthz_and_answers_a_message(env):
    """What `make demo` runs: embedded database, web app in the background, chat in front."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "demo", "--port", str(port)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, cwd=ROOT, env={k: v for k, v in env.items() if k != "REDIS_URL"},
    )  # fmt: skip
    try:
        health = None
        for _ in range(300):
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        assert health is not None and health.status_code == 200
        assert json.loads(health.text)["redis"] == "ok"
        out, err = process.communicate("1\ni need a doctor\n/quit\n", timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, err
    assert "embedded" in err  # the demo ran on the embedded Redis
    assert "Which language do you want to write in?" in out
    assert out.count("bot: ") >= 3
