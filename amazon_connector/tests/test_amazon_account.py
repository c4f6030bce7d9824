from unittest import mock

from odoo.modules.neutralize import get_neutralization_queries
from odoo.tests import tagged

from .common import DE, US, AmazonCase

ACCOUNT_LOGGER = "odoo.addons.amazon_connector.models.amazon_account"


@tagged("post_install", "-at_install")
class TestAmazonAccount(AmazonCase):
    def test_new_account_gets_channel_customers_and_fbm_warehouse(self):
        self.assertEqual(self.account.fba_partner_id.name, "Direct from Amazon")
        self.assertEqual(self.account.fbm_partner_id.name, "Locally fulfilled Amazon Orders")
        self.assertEqual(self.account.fbm_warehouse_id.company_id, self.company)
        self.assertEqual(self.account.state, "draft")

    def test_test_connection_fills_marketplaces(self):
        result = self.account.with_user(self.amazon_admin).action_test_connection()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.account.state, "connected")
        self.assertFalse(self.account.last_error)
        self.assertEqual(set(self.account.marketplace_ids.mapped("marketplace_id")), {US, DE})
        self.assertTrue(self.account.last_check_date)
        self.assertEqual(len(self.emulator.requests_for("getMarketplaceParticipations")), 1)
        self.assertContractClean()

    def test_bad_credentials_put_the_account_in_error(self):
        self.account.lwa_client_secret = "not-the-secret"
        with self.assertLogs(ACCOUNT_LOGGER, "WARNING") as logs:
            result = self.account.action_test_connection()
        self.assertNotIn("not-the-secret", "".join(logs.output))
        self.assertEqual(result["params"]["type"], "danger")
        self.assertEqual(self.account.state, "error")
        self.assertIn("invalid_client", self.account.last_error)
        self.assertNotIn("not-the-secret", self.account.last_error)
        self.assertFalse(self.emulator.requests_for("getMarketplaceParticipations"))

    def test_throttled_connection_check_says_when_to_retry(self):
        self.emulator.inject_fault(
            "throttle", operation="getMarketplaceParticipations", times=1, rate=0.016
        )
        with self.assertLogs(ACCOUNT_LOGGER, "WARNING"):
            self.account.action_test_connection()
        self.assertEqual(self.account.state, "error")
        self.assertIn("retry after", self.account.last_error)
        self.assertEqual(len(self.emulator.requests_for("getMarketplaceParticipations")), 1)

    def test_server_error_page_is_reported(self):
        self.emulator.inject_fault(
            "server_error", operation="getMarketplaceParticipations", times=3, status=503
        )
        with mock.patch("time.sleep"), self.assertLogs(ACCOUNT_LOGGER, "WARNING"):
            self.account.action_test_connection()
        self.assertEqual(self.account.state, "error")
        self.assertIn("HTTP 503", self.account.last_error)
        self.assertEqual(len(self.emulator.requests_for("getMarketplaceParticipations")), 3)

    def test_recovers_after_an_error(self):
        self.emulator.inject_fault(
            "server_error", operation="getMarketplaceParticipations", times=3, status=500
        )
        with mock.patch("time.sleep"), self.assertLogs(ACCOUNT_LOGGER, "WARNING"):
            self.account.action_test_connection()
        self.assertEqual(self.account.state, "error")
        self.account.action_test_connection()
        self.assertEqual(self.account.state, "connected")
        self.assertFalse(self.account.last_error)

    def test_sync_now_triggers_the_cron(self):
        cron = self.env.ref("amazon_connector.ir_cron_amazon_sync_orders")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        self.env.ref("base.EUR").active = True  # the seller also sells on Amazon.de
        self.account.action_test_connection()
        self.account.action_prepare_first_sync()
        self.account.action_sync_orders()
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1
        )

    def test_neutralize_blanks_credentials(self):
        self.account.action_test_connection()
        self.env.flush_all()
        for query in get_neutralization_queries(["amazon_connector"]):
            self.env.cr.execute(query)
        self.account.invalidate_recordset()
        account = self.account.sudo()
        self.assertFalse(account.lwa_client_secret)
        self.assertFalse(account.refresh_token)
        self.assertEqual(account.state, "draft")
