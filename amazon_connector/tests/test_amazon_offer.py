from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import AmazonCase


@tagged("post_install", "-at_install")
class TestAmazonOffer(AmazonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Mug", "default_code": "MUG"})
        cls.us = cls.env.ref("amazon_connector.marketplace_us")
        cls.de = cls.env.ref("amazon_connector.marketplace_de")

    def create_offer(self, sku, marketplace=None):
        return self.env["amazon.offer"].create(
            {
                "account_id": self.account.id,
                "sku": sku,
                "marketplace_id": marketplace.id if marketplace else False,
                "product_id": self.product.id,
            }
        )

    def test_same_sku_on_two_marketplaces(self):
        self.create_offer("MUG-1", self.us)
        self.create_offer("MUG-1", self.de)
        self.assertEqual(self.account.offer_count, 2)

    def test_sku_unique_per_account_and_marketplace(self):
        self.create_offer("MUG-1", self.us)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.create_offer("MUG-1", self.us)

    def test_sku_unique_without_marketplace(self):
        self.create_offer("MUG-2")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.create_offer("MUG-2")

    def test_amazon_order_unique_per_account(self):
        partner = self.account.fbm_partner_id
        values = {
            "partner_id": partner.id,
            "amazon_account_id": self.account.id,
            "amazon_order_ref": "111-0000001-0000001",
        }
        self.env["sale.order"].create(values)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["sale.order"].create(values)
