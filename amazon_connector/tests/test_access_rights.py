from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import REFRESH_TOKEN, AmazonCase

CREDENTIAL_FIELDS = ["lwa_client_id", "lwa_client_secret", "refresh_token", "api_endpoint"]


@tagged("post_install", "-at_install")
class TestAccessRights(AmazonCase):
    def test_sales_user_reads_the_account_but_not_its_credentials(self):
        account = self.account.with_user(self.salesman)
        self.assertEqual(account.name, "Emulated seller")
        for field in CREDENTIAL_FIELDS:
            with self.assertRaises(AccessError, msg=field):
                account.read([field])
        with self.assertRaises(AccessError):
            account.write({"refresh_token": "Atzr|stolen"})
        with self.assertRaises(AccessError):
            account.write({"name": "renamed"})
        self.assertNotIn("refresh_token", account.fields_get())

    def test_administrator_reads_and_writes_credentials(self):
        account = self.account.with_user(self.amazon_admin)
        self.assertEqual(account.read(["refresh_token"])[0]["refresh_token"], REFRESH_TOKEN)
        account.write({"refresh_token": "Atzr|rotated"})
        self.assertEqual(self.account.sudo().refresh_token, "Atzr|rotated")

    def test_sales_user_cannot_create_accounts_nor_test_the_connection(self):
        with self.assertRaises(AccessError):
            self.env["amazon.account"].with_user(self.salesman).create({"name": "x"})
        with self.assertRaises(AccessError):
            self.account.with_user(self.salesman).action_test_connection()
        self.assertFalse(self.emulator.requests)

    def test_sales_user_maps_offers_and_can_sync(self):
        product = self.env["product.product"].create({"name": "Mug", "default_code": "MUG"})
        offer = (
            self.env["amazon.offer"]
            .with_user(self.salesman)
            .create({"account_id": self.account.id, "sku": "MUG-1", "product_id": product.id})
        )
        self.assertEqual(offer.company_id, self.company)
        self.env.ref("base.EUR").active = True  # the seller also sells on Amazon.de
        self.account.action_test_connection()
        self.account.action_prepare_first_sync()
        self.account.with_user(self.salesman).action_sync_orders()

    def test_user_without_amazon_rights_sees_nothing(self):
        portalish = new_test_user(self.env, login="amazon_outsider", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["amazon.account"].with_user(portalish).search([])

    def test_secrets_are_not_tracked_in_chatter(self):
        self.account.with_user(self.amazon_admin).write(
            {"lwa_client_secret": "new-secret-value", "name": "Renamed seller"}
        )
        self.env.flush_all()
        self.env.cr.precommit.run()  # tracking values are written at commit time
        bodies = " ".join(
            str(value)
            for message in self.account.message_ids
            for value in message.tracking_value_ids.mapped(
                lambda t: (t.old_value_char, t.new_value_char)
            )
        )
        self.assertIn("Renamed seller", bodies)
        self.assertNotIn("new-secret-value", bodies)


@tagged("post_install", "-at_install")
class TestMultiCompany(AmazonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})
        cls.other_account = cls.env["amazon.account"].create(
            {"name": "Other seller", "company_id": cls.other_company.id}
        )
        product = cls.env["product.product"].create({"name": "Bottle"})
        cls.other_offer = cls.env["amazon.offer"].create(
            {"account_id": cls.other_account.id, "sku": "BOTTLE", "product_id": product.id}
        )

    def test_accounts_and_offers_of_other_companies_are_invisible(self):
        user = self.amazon_admin
        self.assertEqual(user.company_ids, self.company)
        accounts = self.env["amazon.account"].with_user(user).search([])
        self.assertIn(self.account, accounts)
        self.assertNotIn(self.other_account, accounts)
        self.assertFalse(self.env["amazon.offer"].with_user(user).search([("sku", "=", "BOTTLE")]))
        with self.assertRaises(AccessError):
            self.other_account.with_user(user).read(["name"])

    def test_user_of_both_companies_sees_the_active_ones(self):
        user = self.amazon_admin
        user.write({"company_ids": [(4, self.other_company.id)]})
        env = self.env(user=user, context={"allowed_company_ids": [self.other_company.id]})
        self.assertEqual(env["amazon.account"].search([]), self.other_account)
        env = self.env(
            user=user, context={"allowed_company_ids": [self.company.id, self.other_company.id]}
        )
        self.assertEqual(env["amazon.account"].search([]), self.account | self.other_account)

    def test_channel_partners_belong_to_the_account_company(self):
        self.assertEqual(self.other_account.fba_partner_id.company_id, self.other_company)
        self.assertEqual(self.other_account.fbm_partner_id.company_id, self.other_company)
        self.assertEqual(self.other_account.fbm_warehouse_id.company_id, self.other_company)
