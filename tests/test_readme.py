"""The README's commands work as written."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from tests.conftest import REPO


def blocks() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [b.strip().splitlines() for b in re.findall(r"```sh\n(.*?)```", text, re.S)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_readme_starts_with_the_demo_and_the_test_command_ci_runs() -> None:
    demo, tests = blocks()[0]
    assert demo.endswith("abmgraph demo")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci, ".ci/run must run the README's test command"


def test_the_demo_serves_survives_a_kill_and_answers_the_readme_query(tmp_path: Path) -> None:
    demo = blocks()[0][0].split("&&")[-1].strip()  # the install part is what this suite runs in
    query, stats = blocks()[1]
    port = free_port()
    env = {
        **os.environ,
        "ABMGRAPH_DATA_DIR": str(tmp_path),
        "ABMGRAPH_PORT": str(port),
        "ABMGRAPH_STORE": "memory",
    }
    server = subprocess.Popen(
        demo,
        shell=True,
        env=env,
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.loads(r.read()) == {"status": "ok", "store": "memory"}
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "the demo did not come up within 60 s"
                time.sleep(0.3)
        answer = subprocess.run(
            query, shell=True, env=env, capture_output=True, text=True, check=True, timeout=60
        )
        names = [e["node"]["name"] for e in json.loads(answer.stdout)["data"]["accounts"]["edges"]]
        assert len(names) == 3 and all(names)
        before = subprocess.run(
            stats, shell=True, env=env, capture_output=True, text=True, check=True, timeout=60
        ).stdout
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    said = server.stderr.read().decode() if server.stderr else ""
    # Without a credential, it says so plainly (rich wraps the line to the terminal's width).
    assert "the demo runs open" in " ".join(said.split())
    after = subprocess.run(
        stats, shell=True, env=env, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert json.loads(after) == json.loads(before)
    assert json.loads(after)["nodes"]["Company"] == 6
