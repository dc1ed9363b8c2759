"""Hot reload: a valid change is used everywhere, a broken one keeps the old flows."""

import asyncio
import shutil
from pathlib import Path

import pytest

from bot.dialogue.registry import FlowRegistry

FLOWS = Path(__file__).parent / "data" / "flows"


@pytest.fixture
def flows_dir(tmp_path):
    target = tmp_path / "flows"
    shutil.copytree(FLOWS, target)
    return target


def edit_hello(flows_dir, text):
    path = flows_dir / "start.yml"
    path.write_text(path.read_text().replace('say: "Hello."', f'say: "{text}"'))


def hello(registry):
    return registry.flows.flows["start"].steps[0].spec["say"]


def test_broken_change_keeps_the_previous_version(flows_dir, caplog):
    registry = FlowRegistry(flows_dir, None, 0.5)
    version = registry.flows.version
    (flows_dir / "start.yml").write_text("version: 1\nflow: start\nsteps: [\n")
    assert registry.reload() is False
    assert registry.flows.version == version and hello(registry) == "Hello."
    assert "flows not reloaded, the previous version stays in use" in caplog.text
    assert "start.yml, line 4: not valid YAML" in caplog.text


async def test_a_change_seen_by_one_process_reaches_the_others(flows_dir, redis):
    watcher = FlowRegistry(flows_dir, None, 0.5)
    other = FlowRegistry(flows_dir, None, 0.5)
    # The other process does not watch files; it only listens for announcements.
    tasks = [asyncio.create_task(watcher.watch(redis, interval=0.05)),
             asyncio.create_task(other.listen(redis))]  # fmt: skip
    await asyncio.sleep(0.2)  # subscribed
    edit_hello(flows_dir, "Hello again.")
    for _ in range(100):
        if hello(other) == "Hello again.":
            break
        await asyncio.sleep(0.05)
    assert hello(watcher) == hello(other) == "Hello again."
    assert watcher.flows.version == other.flows.version
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
