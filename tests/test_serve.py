"""`editsurvey serve`: the README's main command serves the site and reloads on YAML edits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from sitekit import copy_data, free_port, wait_for


@pytest.fixture
def server(tmp_path):
    root = copy_data(tmp_path / "data")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    process = subprocess.Popen([sys.executable, "-m", "editsurvey", "serve", "--root", str(root),
                                "--dev-addr", f"127.0.0.1:{port}"], env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield root, f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_serve_shows_yaml_edits(server):
    root, base = server
    wait_for(f"{base}/methods/imagic/", lambda body: "Text-Based Real Image Editing" in body)
    record = root / "methods/imagic.yaml"
    record.write_text(record.read_text().replace("venue: CVPR", "venue: ICCV"))
    wait_for(f"{base}/methods/imagic/", lambda body: "ICCV 2023" in body)
    json_body = wait_for(f"{base}/data/methods.json", lambda body: '"venue": "ICCV"' in body)
    assert '"id": "imagic"' in json_body


def test_serve_has_the_search_index(server):
    _, base = server
    entry = wait_for(f"{base}/pagefind/pagefind-entry.json", lambda body: '"page_count"' in body)
    assert '"en"' in entry
