"""Shared set-up of the addon's Odoo tests: an Amazon emulator on loopback and an account."""

import importlib
import sys
import unittest
from datetime import datetime, timezone
from pathlib import Path
from unittest import mock

from odoo import fields
from odoo.tests import TransactionCase, new_test_user

from ..amazon_sp import SHARED_RATE_LIMITER, SHARED_TOKEN_CACHE
from ..amazon_sp.egress import loopback_only

REPO = Path(__file__).resolve().parents[2]
SELLER = "A3ODOOTESTSELLER"
CLIENT_ID = "amzn1.application-oa2-client.odootest"
CLIENT_SECRET = "odoo-test-client-secret"
REFRESH_TOKEN = "Atzr|odoo-test-refresh-token"
US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"


def import_emulator_module():
    """The emulator is the repository's top-level package `amazon_emulator`."""
    if str(REPO) not in sys.path:
        sys.path.append(str(REPO))
    try:
        return importlib.import_module("amazon_emulator")
    except ImportError as error:
        raise unittest.SkipTest(
            f"amazon_emulator not found in {REPO}: run the tests from the project repository"
        ) from error


class AmazonCase(TransactionCase):
    """An emulator, a seller registered on it, and an Odoo account pointing at it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.enterClassContext(loopback_only())
        emulator = import_emulator_module().AmazonEmulator(clock=getattr(cls, "clock", None))
        cls.emulator = cls.enterClassContext(emulator)
        cls.company = cls.env.company
        cls.account = cls.env["amazon.account"].create(
            {
                "name": "Emulated seller",
                "company_id": cls.company.id,
                "region": "na",
                "seller_id": SELLER,
                "lwa_client_id": CLIENT_ID,
                "lwa_client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN,
                "api_endpoint": cls.emulator.url,
                "lwa_endpoint": cls.emulator.lwa_url,
            }
        )
        cls.salesman = new_test_user(
            cls.env, login="amazon_salesman", groups="sales_team.group_sale_salesman"
        )
        cls.amazon_admin = new_test_user(
            cls.env,
            login="amazon_admin",
            groups="sales_team.group_sale_manager,amazon_connector.group_amazon_manager",
        )

    def setUp(self):
        super().setUp()
        made_before = self.emulator.contract_violations
        self.emulator.reset()
        self.emulator.add_seller(SELLER, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, [US, DE])
        # Tokens and rate buckets are per process: start each test from a clean slate.
        SHARED_TOKEN_CACHE.clear()
        SHARED_RATE_LIMITER.reset()
        self.addCleanup(self.emulator.clear_faults)
        # Every test ends with a clean contract: a test that provokes violations on purpose
        # asserts them, then clears them (`emulator.clear_contract_violations()`).
        self.addCleanup(self._assert_contract_clean_and_clear)
        if made_before:
            self.fail(_violations_text(made_before, "before this test (in setUpClass?)"))

    def assertContractClean(self):
        self.emulator.assert_contract_clean()

    def _assert_contract_clean_and_clear(self):
        violations = self.emulator.contract_violations
        self.emulator.clear_contract_violations()
        if violations:
            self.fail(_violations_text(violations, "during this test"))


def _violations_text(violations, when):
    listing = "\n".join(f"- {violation}" for violation in violations)
    return f"{len(violations)} SP-API contract violation(s) {when}:\n{listing}"


class ClockedAmazonCase(AmazonCase):
    """An AmazonCase whose Odoo and emulator share a clock the test moves (set back to the
    start before each test); a cron's commits are left out (`_commit_progress` answers that
    time remains)."""

    @classmethod
    def setUpClass(cls):
        cls.start = datetime.now(timezone.utc).replace(microsecond=0)
        cls.clock = import_emulator_module().ManualClock(cls.start)
        super().setUpClass()
        cls.startClassPatcher(
            mock.patch.object(
                fields.Datetime, "now", staticmethod(lambda *a: cls.clock().replace(tzinfo=None))
            )
        )

    def setUp(self):
        super().setUp()
        self.clock.set(self.start)
        patcher = mock.patch.object(
            type(self.env["ir.cron"]), "_commit_progress", return_value=60.0
        )
        self.commit_progress = patcher.start()
        self.addCleanup(patcher.stop)
