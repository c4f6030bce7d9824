#!/usr/bin/env python3
"""Prepare, run and test amazon_connector: the two README commands (`make run`, `make test`).

Standard library only: it runs with the machine's python3 before any virtualenv exists.
Every step is idempotent and skips what is already in place, so second runs are fast.

Settings (environment variables, all optional):
  ODOO_SRC                 Odoo 19.0 source tree (holds odoo-bin); default ~/odoo-19.0
  AMAZON_CONNECTOR_STATE   where the virtualenv, PostgreSQL cluster, config and logs live;
                           default ~/.cache/amazon_connector
  AMAZON_MODELS_DIR        Amazon's API models; default ../shared/amazon-models
  ODOO_DB                  database of `make run`; default amazon_demo
  ODOO_HTTP_PORT           default 8069
  EMULATOR_PORT            default 8765
"""

import argparse
import ast
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOME = Path(os.environ.get("HOME") or "/root")
STATE = Path(os.environ.get("AMAZON_CONNECTOR_STATE") or HOME / ".cache" / "amazon_connector")
DEFAULT_ODOO_SRC = HOME / "odoo-19.0"
ODOO_GIT_URL = "https://github.com/odoo/odoo.git"
VENV = STATE / "venv"
PYTHON = VENV / "bin" / "python"
PG_PORT = int(os.environ.get("AMAZON_CONNECTOR_PG_PORT", "55432"))
PG_SOCKET_DIR = "/tmp"
DB_USER = "odoo"
ADDON = "amazon_connector"
ODOO_DEPENDENCIES = "sale_management,sale_stock"
DEMO_DB = os.environ.get("ODOO_DB", "amazon_demo")
HTTP_PORT = int(os.environ.get("ODOO_HTTP_PORT", "8069"))
EMULATOR_PORT = int(os.environ.get("EMULATOR_PORT", "8765"))
# Odoo pins psycopg2 (a C build needing libpq headers) and python-ldap (only for auth_ldap,
# needing LDAP headers). The binary wheel of the same psycopg2 version is equivalent.
ODOO_REQUIREMENT_REPLACEMENTS = {"psycopg2": "psycopg2-binary", "python-ldap": None}


def say(message):
    print(f"[amazon_connector] {message}", flush=True)


def fail(message):
    print(f"\n[amazon_connector] ERROR: {message}\n", file=sys.stderr, flush=True)
    sys.exit(2)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


# --------------------------------------------------------------------------- Odoo source


def is_odoo_19(path):
    release = path / "odoo" / "release.py"
    if not (path / "odoo-bin").is_file() or not release.is_file():
        return False
    return "version_info = (19, 0," in release.read_text(encoding="utf-8")


def find_odoo_source():
    explicit = os.environ.get("ODOO_SRC")
    if explicit:
        path = Path(explicit).expanduser()
        if not is_odoo_19(path):
            fail(f"ODOO_SRC={path} is not an Odoo 19.0 source tree (no odoo-bin / release 19.0).")
        return path
    if is_odoo_19(DEFAULT_ODOO_SRC):
        return DEFAULT_ODOO_SRC
    say(f"Odoo 19.0 not found at {DEFAULT_ODOO_SRC}; trying a shallow clone of {ODOO_GIT_URL}")
    try:
        run(
            ["git", "clone", "--depth", "1", "--branch", "19.0", ODOO_GIT_URL, DEFAULT_ODOO_SRC],
            timeout=1800,
        )
    except (subprocess.SubprocessError, OSError) as error:
        shutil.rmtree(DEFAULT_ODOO_SRC, ignore_errors=True)
        fail(
            "No Odoo 19.0 source found, and cloning it failed "
            f"({error.__class__.__name__}).\n"
            "Get Odoo 19.0 community (https://github.com/odoo/odoo, branch 19.0) and either\n"
            f"  - put it at {DEFAULT_ODOO_SRC} (the folder that holds odoo-bin), or\n"
            "  - set ODOO_SRC=/path/to/that/folder before `make run` / `make test`."
        )
    if not is_odoo_19(DEFAULT_ODOO_SRC):
        fail(f"{DEFAULT_ODOO_SRC} was cloned but is not Odoo 19.0.")
    return DEFAULT_ODOO_SRC


def repair_missing_settings_views(odoo_src):
    """Some Odoo 19.0 snapshots list views/res_config_settings_views.xml in a manifest while
    the file is named views/res_config_settings.xml (e.g. `iap`, which `sale` needs)."""
    stamp = STATE / "odoo-source-checked"
    if stamp.exists() and stamp.read_text() == str(odoo_src):
        return
    for manifest in sorted((odoo_src / "addons").glob("*/__manifest__.py")):
        addon_dir = manifest.parent
        data = ast.literal_eval(manifest.read_text(encoding="utf-8")).get("data", [])
        missing = addon_dir / "views" / "res_config_settings_views.xml"
        present = addon_dir / "views" / "res_config_settings.xml"
        listed = "views/res_config_settings_views.xml" in data
        if listed and not missing.exists() and present.exists():
            shutil.copyfile(present, missing)
            say(f"repaired Odoo source: {missing.relative_to(odoo_src)} (from {present.name})")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(str(odoo_src))


# --------------------------------------------------------------------------- Python env


def filtered_odoo_requirements(odoo_src):
    lines = []
    for line in (odoo_src / "requirements.txt").read_text(encoding="utf-8").splitlines():
        name = line.split(";")[0].split("=")[0].strip().lower()
        if name in ODOO_REQUIREMENT_REPLACEMENTS:
            replacement = ODOO_REQUIREMENT_REPLACEMENTS[name]
            if replacement is None:
                continue
            lines.append(replacement + line.strip()[len(name) :])
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def ensure_python_env(odoo_src):
    odoo_requirements = filtered_odoo_requirements(odoo_src)
    ours = (REPO / "requirements.txt").read_text(encoding="utf-8")
    wanted = hashlib.sha256((sys.version + odoo_requirements + ours).encode()).hexdigest()
    stamp = VENV / ".amazon_connector-stamp"
    if PYTHON.exists() and stamp.exists() and stamp.read_text() == wanted:
        return
    say(f"preparing the Python environment in {VENV} (first run: a few minutes)")
    if not PYTHON.exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    requirements_file = STATE / "odoo-requirements.txt"
    requirements_file.write_text(odoo_requirements)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--upgrade", "pip", "wheel", "setuptools<81"])
    run([*pip, "-r", str(requirements_file), "-r", str(REPO / "requirements.txt")])
    stamp.write_text(wanted)


# --------------------------------------------------------------------------- browser

# Where Odoo's browser tests look for Chrome (odoo/tests/common.py, _find_executable).
CHROME_NAMES = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")
CHROME_PACKAGES = ("chromium", "chromium-driver")


def ensure_chromium():
    """The tours run in a headless Chromium: Debian's package is installed when none is."""
    if os.environ.get("ODOO_BROWSER_BIN") or any(shutil.which(name) for name in CHROME_NAMES):
        return
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "-n", "apt-get"]
    if not shutil.which("apt-get"):
        fail(f"no Chrome or Chromium found for the browser tests: install {CHROME_PACKAGES[0]}.")
    say("installing Debian's Chromium for the browser tests (once)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [*apt, "install", "-y", "--no-install-recommends", *CHROME_PACKAGES]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        subprocess.run([*apt, "update"], env=env, check=False)
        if subprocess.run(install, env=env, check=False).returncode != 0:
            fail(
                "Chromium could not be installed for the browser tests: "
                f"apt-get install {' '.join(CHROME_PACKAGES)}"
            )


# --------------------------------------------------------------------------- PostgreSQL


def pg_bindir():
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    if candidates:
        return candidates[0].parent
    pg_ctl = shutil.which("pg_ctl")
    if pg_ctl:
        return Path(pg_ctl).parent
    fail(
        "PostgreSQL server binaries not found: install PostgreSQL "
        "(e.g. apt-get install postgresql)."
    )


def pg_data_dir():
    # The server refuses to run as root: as root, the cluster belongs to the postgres user.
    if os.geteuid() == 0:
        return Path(f"/var/lib/postgresql/amazon_connector-{PG_PORT}")
    return STATE / f"pgdata-{PG_PORT}"


def as_pg_owner(cmd):
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def pg_is_ready(bindir):
    result = subprocess.run(
        [bindir / "pg_isready", "-q", "-h", PG_SOCKET_DIR, "-p", str(PG_PORT)], check=False
    )
    return result.returncode == 0


def psql(bindir, sql, database="postgres"):
    return subprocess.run(
        [
            bindir / "psql",
            "-h",
            PG_SOCKET_DIR,
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-d",
            database,
            "-tAc",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def ensure_postgres():
    bindir = pg_bindir()
    if not pg_is_ready(bindir):
        data = pg_data_dir()
        if not (data / "PG_VERSION").exists():
            say(f"creating a private PostgreSQL cluster in {data} (port {PG_PORT})")
            data.parent.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                data.mkdir(exist_ok=True)
                shutil.chown(data, "postgres", "postgres")
            run(
                as_pg_owner(
                    [
                        str(bindir / "initdb"),
                        "-D",
                        str(data),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),
                stdout=subprocess.DEVNULL,
            )
        say(f"starting PostgreSQL ({data}, socket {PG_SOCKET_DIR}, port {PG_PORT})")
        options = f"-p {PG_PORT} -k {PG_SOCKET_DIR} -c listen_addresses='' -c fsync=off"
        run(
            as_pg_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(data / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            stdout=subprocess.DEVNULL,
        )
    if psql(bindir, f"SELECT 1 FROM pg_roles WHERE rolname = '{DB_USER}'") != "1":
        psql(bindir, f"CREATE ROLE {DB_USER} LOGIN SUPERUSER")
    return bindir


def database_exists(bindir, name):
    return psql(bindir, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def drop_database(bindir, name):
    psql(bindir, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    shutil.rmtree(STATE / "data" / "filestore" / name, ignore_errors=True)


def addon_installed(bindir, name):
    return (
        psql(
            bindir,
            f"SELECT 1 FROM ir_module_module WHERE name = '{ADDON}' AND state = 'installed'",
            database=name,
        )
        == "1"
    )


# --------------------------------------------------------------------------- Odoo


def models_dir():
    explicit = os.environ.get("AMAZON_MODELS_DIR")
    return Path(explicit) if explicit else REPO.parent / "shared" / "amazon-models"


def write_odoo_config(odoo_src):
    config = STATE / "odoo.conf"
    addons_path = ",".join(
        str(path) for path in (odoo_src / "odoo" / "addons", odoo_src / "addons", REPO)
    )
    config.write_text(
        "[options]\n"
        f"addons_path = {addons_path}\n"
        f"data_dir = {STATE / 'data'}\n"
        f"db_host = {PG_SOCKET_DIR}\n"
        f"db_port = {PG_PORT}\n"
        f"db_user = {DB_USER}\n"
        f"http_port = {HTTP_PORT}\n"
        "http_interface = 127.0.0.1\n"
        "list_db = True\n"
    )
    return config


def odoo_command(odoo_src, config, *args, subcommand=None):
    """odoo-bin [subcommand] -c config args...: a subcommand must come first."""
    head = [str(PYTHON), str(odoo_src / "odoo-bin"), *([subcommand] if subcommand else [])]
    return [*head, "-c", str(config), *args]


def odoo_environment():
    env = dict(os.environ)
    # The demo and tests import the emulator package from the repository root.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.setdefault("AMAZON_MODELS_DIR", str(models_dir()))
    return env


def prepare():
    STATE.mkdir(parents=True, exist_ok=True)
    odoo_src = find_odoo_source()
    repair_missing_settings_views(odoo_src)
    ensure_python_env(odoo_src)
    bindir = ensure_postgres()
    config = write_odoo_config(odoo_src)
    return odoo_src, bindir, config


def start_emulator(port, log_path):
    log = open(log_path, "ab")  # noqa: SIM115 - lives as long as the emulator process
    process = subprocess.Popen(
        [
            str(PYTHON),
            "-m",
            "amazon_emulator",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--scenario",
            "demo",
        ],
        cwd=REPO,
        env=odoo_environment(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            fail(f"the Amazon emulator stopped at start; see {log_path}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    process.kill()
    fail(f"the Amazon emulator did not open port {port}; see {log_path}")


def addon_digest():
    """Digest of the addon's files: a demo database is upgraded when it changes."""
    digest = hashlib.sha256()
    for path in sorted((REPO / ADDON).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def create_database(odoo_src, bindir, config, env, database):
    """A fresh database with the addon installed (Odoo's demo data left out)."""
    say(f"creating database {database} with {ADDON} installed (about a minute)")
    drop_database(bindir, database)
    run(
        odoo_command(
            odoo_src,
            config,
            "-d",
            database,
            "-i",
            ADDON,
            "--stop-after-init",
            "--without-demo",
            "--log-level=warn",
            "--http-port=0",
        ),
        env=env,
    )


def run_odoo_script(odoo_src, config, env, database, script, *, extra_env):
    """Run a Python file inside `odoo-bin shell` (which gives it `env`)."""
    with open(script, "rb") as stdin:
        run(
            odoo_command(
                odoo_src,
                config,
                "-d",
                database,
                "--no-http",
                "--log-level=warn",
                subcommand="shell",
            ),
            stdin=stdin,
            env={**env, **extra_env},
        )


def command_run(_args):
    started = time.monotonic()
    odoo_src, bindir, config = prepare()
    env = odoo_environment()
    stamp = STATE / f"{DEMO_DB}.addon-stamp"
    if not database_exists(bindir, DEMO_DB) or not addon_installed(bindir, DEMO_DB):
        create_database(odoo_src, bindir, config, env, DEMO_DB)
    elif not stamp.exists() or stamp.read_text() != addon_digest():
        say(f"the addon changed since the last run: upgrading it in {DEMO_DB}")
        run(
            odoo_command(
                odoo_src,
                config,
                "-d",
                DEMO_DB,
                "-u",
                ADDON,
                "--stop-after-init",
                "--log-level=warn",
            ),
            env=env,
        )
    stamp.write_text(addon_digest())
    emulator = start_emulator(EMULATOR_PORT, STATE / "emulator.log")
    try:
        say(f"Amazon emulator on http://127.0.0.1:{EMULATOR_PORT} (log {STATE / 'emulator.log'})")
        say("configuring the demo company and its Amazon account (emulator mode)")
        run_odoo_script(
            odoo_src,
            config,
            env,
            DEMO_DB,
            REPO / "setup" / "demo.py",
            extra_env={"EMULATOR_URL": f"http://127.0.0.1:{EMULATOR_PORT}"},
        )
        say(f"ready in {time.monotonic() - started:.0f}s")
        say(
            f"Odoo on http://localhost:{HTTP_PORT}  database {DEMO_DB}  login admin, password admin"
        )
        say("Sales > Amazon shows the demo account and its orders; Ctrl+C stops everything")
        odoo = subprocess.Popen(
            odoo_command(odoo_src, config, "-d", DEMO_DB, "--db-filter", f"^{DEMO_DB}$"), env=env
        )
        try:
            odoo.wait()
        except KeyboardInterrupt:
            odoo.send_signal(signal.SIGINT)
            odoo.wait()
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)


def command_prepare(_args):
    odoo_src, _bindir, config = prepare()
    print(f"ODOO_SRC={odoo_src}\nPYTHON={PYTHON}\nODOO_CONFIG={config}")


def command_test(args):
    odoo_src, _bindir, config = prepare()
    if not args.only or "odoo" in args.only:
        ensure_chromium()
    env = odoo_environment()
    env.update(
        {
            "ODOO_SRC": str(odoo_src),
            "ODOO_CONFIG": str(config),
            "AMAZON_CONNECTOR_STATE": str(STATE),
            "AMAZON_CONNECTOR_PG_PORT": str(PG_PORT),
        }
    )
    completed = subprocess.run(
        [str(PYTHON), str(REPO / "setup" / "run_tests.py"), *args.only], env=env, check=False
    )
    sys.exit(completed.returncode)


BENCHMARKS = {
    "orders": ("order_import.py", "BENCH_ORDERS"),
    "offers": ("offer_export.py", "BENCH_OFFERS"),
    "settlements": ("settlement_import.py", "BENCH_ORDERS"),
    "vendor": ("vendor_orders.py", "BENCH_ORDERS"),
    "df": ("direct_fulfillment.py", "BENCH_ORDERS"),
    "edi": ("vendor_edi.py", "BENCH_ORDERS"),
}


def command_bench(args):
    """A benchmark of benchmarks/ in a fresh database, figures printed and kept as JSON."""
    odoo_src, bindir, config = prepare()
    env = odoo_environment()
    database = f"amazon_bench_{args.which}"
    create_database(odoo_src, bindir, config, env, database)
    script, size_variable = BENCHMARKS[args.which]
    result_file = STATE / f"bench-{args.which}.json"
    extra = {"AMAZON_CONNECTOR_REPO": str(REPO), "BENCH_RESULT_FILE": str(result_file)}
    if args.size:
        extra[size_variable] = str(args.size)
    run_odoo_script(odoo_src, config, env, database, REPO / "benchmarks" / script, extra_env=extra)
    say(f"figures in {result_file}")


def command_dropdb(args):
    drop_database(ensure_postgres(), args.name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="prepare everything and run Odoo with the demo")
    commands.add_parser("prepare", help="prepare Odoo source, Python env and PostgreSQL only")
    test = commands.add_parser("test", help="run every test and print one summary")
    test.add_argument("only", nargs="*", help="stages to run (default: all)")
    bench = commands.add_parser("bench", help="a benchmark in a fresh database")
    bench.add_argument("which", choices=sorted(BENCHMARKS))
    bench.add_argument(
        "--size", type=int, help="orders of each channel (default 1000) or offers (50000)"
    )
    dropdb = commands.add_parser("dropdb", help="drop a database of the project's cluster")
    dropdb.add_argument("name")
    args = parser.parse_args()
    handlers = {
        "run": command_run,
        "prepare": command_prepare,
        "test": command_test,
        "dropdb": command_dropdb,
        "bench": command_bench,
    }
    handlers[args.command](args)


if __name__ == "__main__":
    main()
