"""Fixtures of the end-to-end tests: the Odoo set-up, and a working folder per module."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .e2e_support import REPO, REQUIRED, OdooSetup, addon_installed


@pytest.fixture(scope="session")
def odoo_setup():
    missing = [name for name in REQUIRED if not os.environ.get(name)]
    if missing:
        pytest.fail(f"run through `make test` (missing {', '.join(missing)})")
    database = os.environ.get("ODOO_TEST_DB", "amazon_connector_test")
    config = os.environ["ODOO_CONFIG"]
    odoo_bin = [sys.executable, str(Path(os.environ["ODOO_SRC"]) / "odoo-bin")]
    options = ["-c", config, "-d", database]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # The Odoo stage leaves the addon installed; install it when this stage runs alone.
    if not addon_installed(config, database):
        subprocess.run(
            [
                *odoo_bin,
                *options,
                "-i",
                "amazon_connector",
                "--stop-after-init",
                "--without-demo",
                "--log-level=warn",
                "--http-port=0",
            ],
            env=env,
            check=True,
            timeout=600,
        )
    return OdooSetup(odoo_bin, options, env, database, config)


@pytest.fixture(scope="module")
def lab_workdir(tmp_path_factory, request):
    return tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1])
