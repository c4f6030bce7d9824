"""Every test of the project, one summary: lint, pure-Python tests, Odoo tests, end-to-end.

Started by `setup/dev.py test` (i.e. `make test`) inside the project's virtualenv, once the
Odoo source, PostgreSQL and the Python packages are in place. Stage names may be given to run
only some: lint, pure, odoo, e2e.
"""

import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATE = Path(os.environ["AMAZON_CONNECTOR_STATE"])
ODOO_SRC = Path(os.environ["ODOO_SRC"])
ODOO_CONFIG = Path(os.environ["ODOO_CONFIG"])
TEST_DB = "amazon_connector_test"
ADDON = "amazon_connector"
PYTHON_PATHS = ["amazon_connector", "amazon_emulator", "tests", "setup"]
ODOO_RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): "
    r"(?P<message>.*)$"
)
# Idioms of older Odoo versions that Odoo 19 ignores or rejects (linters do not catch them).
LEGACY_IDIOMS = {
    r"<tree[\s>]": "list views use <list>",
    r"\battrs\s*=": "attrs= is rejected: use invisible= / readonly= / required=",
    r"_sql_constraints": "use models.Constraint / models.UniqueIndex",
    r"\bgroups_id\b": "use group_ids",
    r"\bread_group\(": "use _read_group",
    r"type=['\"]json['\"]": "controllers use type='jsonrpc'",
    r"\bnumbercall\b": "ir.cron has no numbercall",
    r"\bcr\.commit\(\)": "no cr.commit() in business code (crons use _commit_progress)",
    r"\bname_get\b": "override _compute_display_name",
    r"\bself\._cr\b": "use self.env.cr",
}


class Summary:
    def __init__(self):
        self.stages = []

    def add(self, stage, passed, failed, skipped=0, note=""):
        self.stages.append((stage, passed, failed, skipped, note))
        status = "ok" if failed == 0 else "FAILED"
        print(
            f"\n=== {stage}: {passed} passed, {failed} failed, {skipped} skipped"
            f" [{status}] {note}\n",
            flush=True,
        )

    def report(self):
        print("\n" + "=" * 72)
        for stage, passed, failed, skipped, note in self.stages:
            print(
                f"  {stage:<8} {passed:>5} passed {failed:>4} failed {skipped:>4} skipped  {note}"
            )
        passed = sum(s[1] for s in self.stages)
        failed = sum(s[2] for s in self.stages)
        skipped = sum(s[3] for s in self.stages)
        print("=" * 72)
        print(f"summary: {passed} passed, {failed} failed, {skipped} skipped")
        return 0 if failed == 0 and passed > 0 else 1


def python_tool(*args):
    return [sys.executable, "-m", *args]


def stage_lint(summary):
    checks = {
        "ruff check": python_tool("ruff", "check", *PYTHON_PATHS),
        "ruff format": python_tool("ruff", "format", "--check", *PYTHON_PATHS),
        "pylint-odoo": python_tool(
            "pylint",
            "--rcfile",
            str(REPO / ".pylintrc"),
            "--load-plugins=pylint_odoo",
            ADDON,
        ),
    }
    passed = failed = 0
    for name, command in checks.items():
        print(f"--- {name}", flush=True)
        result = subprocess.run(command, cwd=REPO, check=False)
        passed, failed = (passed + 1, failed) if result.returncode == 0 else (passed, failed + 1)
    legacy = legacy_idioms_found()
    for problem in legacy:
        print(f"legacy idiom: {problem}")
    passed, failed = (passed + 1, failed) if not legacy else (passed, failed + 1)
    summary.add("lint", passed, failed, note="ruff, ruff format, pylint-odoo, Odoo 19 idioms")


def legacy_idioms_found():
    problems = []
    for path in sorted((REPO / ADDON).rglob("*")):
        if path.suffix not in (".py", ".xml", ".csv") or not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for pattern, advice in LEGACY_IDIOMS.items():
                if re.search(pattern, line):
                    problems.append(f"{path.relative_to(REPO)}:{number}: {advice}")
    return problems


def run_pytest(summary, stage, paths, note):
    report = STATE / f"pytest-{stage}.xml"
    report.unlink(missing_ok=True)
    command = python_tool("pytest", "-q", "-rs", f"--junitxml={report}", *paths)
    result = subprocess.run(command, cwd=REPO, check=False)
    if not report.exists():
        summary.add(stage, 0, 1, note=f"pytest produced no report (exit {result.returncode})")
        return
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    tests, failures, errors, skipped = (
        int(suite.get(key, 0)) for key in ("tests", "failures", "errors", "skipped")
    )
    failed = failures + errors
    if tests == 0 or result.returncode not in (0, 1):
        failed = max(failed, 1)  # no test collected (exit 5) or pytest crashed: a failure
    summary.add(stage, tests - failures - errors - skipped, failed, skipped, note)


def stage_pure(summary):
    run_pytest(summary, "pure", ["tests", "--ignore=tests/e2e"], "client, documents, emulator")


def drop_test_database():
    subprocess.run([sys.executable, str(REPO / "setup" / "dev.py"), "dropdb", TEST_DB], check=True)


def stage_odoo(summary):
    drop_test_database()
    log_path = STATE / "odoo-tests.log"
    command = [
        sys.executable,
        str(ODOO_SRC / "odoo-bin"),
        "-c",
        str(ODOO_CONFIG),
        "-d",
        TEST_DB,
        "-i",
        ADDON,
        "--test-enable",
        f"--test-tags=/{ADDON}",
        "--stop-after-init",
        "--without-demo",
        "--log-level=test",
        f"--logfile={log_path}",
        "--http-port=0",
    ]
    log_path.unlink(missing_ok=True)
    started = time.monotonic()
    subprocess.run(command, check=False)
    elapsed = time.monotonic() - started
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    result = ODOO_RESULT.search(log)
    addon_problems = addon_warnings(log)
    for line in addon_problems:
        print(f"warning/error from {ADDON}: {line}")
    print_failures(log)
    if not result:
        summary.add("odoo", 0, 1, note=f"no Odoo test result; see {log_path}")
        return
    failed, errors, total = (int(value) for value in result.groups())
    bad = failed + errors + (1 if addon_problems else 0)
    for reason in ("Chrome executable not found", "websocket-client module is not installed"):
        if reason in log:
            print(f"the browser tours were skipped ({reason}): a failure")
            bad += 1
    if total == 0:
        bad += 1
    summary.add(
        "odoo",
        total - failed - errors,
        bad,
        note=f"install + tests in a fresh database, {elapsed:.0f}s; log {log_path}",
    )


def addon_warnings(log):
    """Warnings and errors logged by the addon, or about it, during install and tests."""
    problems = []
    for line in log.splitlines():
        match = LOG_LINE.match(line)
        if not match or match["level"] not in ("WARNING", "ERROR", "CRITICAL"):
            continue
        if (
            match["logger"].startswith(f"odoo.addons.{ADDON}")
            or ADDON in match["message"]
            or "amazon." in match["message"]
        ):
            problems.append(line)
    return problems


def print_failures(log):
    for line in log.splitlines():
        match = LOG_LINE.match(line)
        if match and match["level"] in ("ERROR", "CRITICAL"):
            print(line)


def stage_e2e(summary):
    os.environ["ODOO_TEST_DB"] = TEST_DB
    run_pytest(summary, "e2e", ["tests/e2e"], "emulator + Odoo server over HTTP")


STAGES = {"lint": stage_lint, "pure": stage_pure, "odoo": stage_odoo, "e2e": stage_e2e}


def main():
    wanted = sys.argv[1:] or list(STAGES)
    unknown = set(wanted) - set(STAGES)
    if unknown:
        sys.exit(f"unknown stage(s): {', '.join(sorted(unknown))}; known: {', '.join(STAGES)}")
    summary = Summary()
    for name in wanted:
        print(f"\n##### {name}", flush=True)
        STAGES[name](summary)
    sys.exit(summary.report())


if __name__ == "__main__":
    main()
