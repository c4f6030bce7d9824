from odoo import fields
from odoo.tests import tagged

from ..amazon_sp import SHARED_RATE_LIMITER
from .common import DE, SELLER, US
from .test_order_import import ACCOUNT_LOGGER, OrderImportCase


@tagged("post_install", "-at_install")
class TestOfferExport(OrderImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        marketplaces = {m.marketplace_id: m for m in cls.account.marketplace_ids}
        cls.pricelist_usd = env["product.pricelist"].create(
            {"name": "Amazon US", "currency_id": env.ref("base.USD").id}
        )
        cls.pricelist_eur = env["product.pricelist"].create(
            {"name": "Amazon DE", "currency_id": env.ref("base.EUR").id}
        )
        settings = {s.marketplace_id.marketplace_id: s for s in cls.account.marketplace_setting_ids}
        settings[US].pricelist_id = cls.pricelist_usd
        settings[DE].pricelist_id = cls.pricelist_eur
        cls.account.write(
            {
                "stock_reserve_type": "fixed",
                "stock_reserve": 2,
            }
        )
        cls.mug.list_price = 19.99
        cls.bottle.list_price = 10.0
        cls.kit = env["product.product"].create(
            {
                "name": "Made-to-order kit",
                "default_code": "KIT-1",
                "type": "consu",
                "is_storable": True,
                "amazon_backorderable": True,
                "list_price": 99.0,
            }
        )
        stock = cls.account.fbm_warehouse_id.lot_stock_id
        quant = env["stock.quant"]
        quant._update_available_quantity(cls.mug, stock, 10)
        quant._update_available_quantity(cls.bottle, stock, 4)
        # Stock elsewhere (the FBA warehouse) never counts.
        quant._update_available_quantity(cls.mug, cls.fba_warehouse.lot_stock_id, 100)
        offer = env["amazon.offer"]
        cls.mug_offer = offer.create(
            {"account_id": cls.account.id, "sku": "MUG-1", "product_id": cls.mug.id}
        )
        cls.bottle_offer = offer.create(
            {
                "account_id": cls.account.id,
                "sku": "BOTTLE-1",
                "product_id": cls.bottle.id,
                "marketplace_id": marketplaces[US].id,
                "reserve_type": "percent",
                "reserve": 50,
            }
        )
        cls.kit_offer = offer.create(
            {"account_id": cls.account.id, "sku": "KIT-1", "product_id": cls.kit.id}
        )
        cls.fba_offer = offer.create(
            {
                "account_id": cls.account.id,
                "sku": "MUG-FBA",
                "product_id": cls.mug.id,
                "fulfillment_channel": "fba",
            }
        )

    def setUp(self):
        super().setUp()
        SHARED_RATE_LIMITER.reset()

    def export(self):
        self.assertTrue(self.account._export_offers(), self.account.last_error)

    def reserve_mugs(self, quantity):
        """An outgoing delivery reserves mugs: they are no longer free."""
        order = self.env["sale.order"].create(
            {
                "partner_id": self.account.fbm_partner_id.id,
                "warehouse_id": self.account.fbm_warehouse_id.id,
                "order_line": [
                    fields.Command.create({"product_id": self.mug.id, "product_uom_qty": quantity})
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.picking_ids.state, "assigned")

    def test_quantities_with_reserve_and_back_order_rules(self):
        self.reserve_mugs(3)
        self.export()
        # mug: 10 on hand - 3 reserved - 2 account reserve; bottle: 4 x 50 %; kit: back-order
        self.assertEqual(self.emulator.listing(SELLER, "MUG-1", US)["quantity"], 5)
        self.assertEqual(self.emulator.listing(SELLER, "BOTTLE-1", US)["quantity"], 2)
        self.assertEqual(self.emulator.listing(SELLER, "KIT-1", US)["quantity"], 1000)
        self.assertIsNone(self.emulator.listing(SELLER, "MUG-FBA"))
        self.assertEqual(
            (self.mug_offer.amazon_quantity, self.mug_offer.amazon_export_state), (5, "done")
        )
        self.assertTrue(self.mug_offer.amazon_export_date)
        self.assertFalse(self.fba_offer.amazon_export_state)
        self.assertEqual(len(self.emulator.requests_for("patchListingsItem")), 3)
        self.assertContractClean()

    def test_stock_of_every_warehouse_but_fba(self):
        other = self.env["stock.warehouse"].create({"name": "Second shop", "code": "SHP2"})
        self.env["stock.quant"]._update_available_quantity(self.mug, other.lot_stock_id, 6)
        self.export()
        self.assertEqual(self.mug_offer.amazon_quantity, 8)  # the FBM warehouse alone
        self.account.stock_warehouse_scope = "all"
        self.export()
        self.assertEqual(self.mug_offer.amazon_quantity, 14)  # 10 + 6 - 2, never FBA's 100

    def test_reserve_never_below_zero(self):
        self.reserve_mugs(9)
        self.export()
        self.assertEqual(self.mug_offer.amazon_quantity, 0)

    def test_only_changes_are_sent(self):
        self.export()
        self.assertEqual(len(self.emulator.requests_for("patchListingsItem")), 3)
        self.export()
        self.assertEqual(len(self.emulator.requests_for("patchListingsItem")), 3)
        self.reserve_mugs(1)
        self.export()
        calls = self.emulator.requests_for("patchListingsItem")
        self.assertEqual(len(calls), 4)
        self.assertTrue(calls[-1].path.endswith("/MUG-1"))
        self.assertEqual(self.mug_offer.amazon_quantity, 7)

    def test_prices_per_marketplace_currency(self):
        self.export()
        us = self.emulator.listing(SELLER, "MUG-1", US)
        de = self.emulator.listing(SELLER, "MUG-1", DE)
        self.assertEqual((float(us["price"]), us["currency"]), (19.99, "USD"))
        self.assertEqual((float(de["price"]), de["currency"]), (19.99, "EUR"))
        self.assertEqual(self.mug_offer._sent_prices(), {US: 19.99, DE: 19.99})
        # the bottle offer is for the US marketplace only
        self.assertIsNone(self.emulator.listing(SELLER, "BOTTLE-1", DE))
        self.env["product.pricelist.item"].create(
            {
                "pricelist_id": self.pricelist_eur.id,
                "applied_on": "0_product_variant",
                "product_id": self.mug.id,
                "fixed_price": 17.49,
            }
        )
        self.export()
        self.assertEqual(float(self.emulator.listing(SELLER, "MUG-1", DE)["price"]), 17.49)
        self.assertEqual(self.mug_offer._sent_prices(), {US: 19.99, DE: 17.49})

    def test_many_changes_go_in_one_feed_and_rejections_are_reported(self):
        self.account.listing_patch_limit = 1
        self.emulator.reject_listing(SELLER, "BOTTLE-1", "The SKU is not in your catalog")
        self.export()
        self.assertFalse(self.emulator.requests_for("patchListingsItem"))
        (feed,) = self.env["amazon.feed"].search([("account_id", "=", self.account.id)])
        self.assertEqual((feed.state, feed.message_count), ("submitted", 3))
        self.assertEqual(self.mug_offer.amazon_export_state, "pending")
        self.export()  # Amazon is still processing it
        self.assertEqual(feed.state, "submitted")
        self.export()  # the processing report is read back
        self.assertEqual(feed.state, "done")
        self.assertEqual((feed.accepted_count, feed.error_count), (2, 1))
        self.assertEqual(self.mug_offer.amazon_export_state, "done")
        self.assertEqual(self.mug_offer.amazon_quantity, 8)
        self.assertEqual(self.bottle_offer.amazon_export_state, "error")
        self.assertIn("not in your catalog", self.bottle_offer.amazon_export_error)
        self.assertEqual(self.bottle_offer.amazon_quantity, 0)
        (sent,) = self.emulator.feeds
        self.assertEqual(sent["feedType"], "JSON_LISTINGS_FEED")
        self.assertEqual(len(sent["document"]["messages"]), 3)
        self.assertContractClean()

    def test_throttled_feed_creation_is_retried_later_without_loss(self):
        self.account.listing_patch_limit = 1
        self.emulator.inject_fault("throttle", operation="createFeed", rate=0.0083)
        with self.assertLogs(ACCOUNT_LOGGER, "WARNING"):
            self.assertFalse(self.account._export_offers())
        self.assertFalse(self.env["amazon.feed"].search([("account_id", "=", self.account.id)]))
        self.assertFalse(self.mug_offer.amazon_export_state)
        SHARED_RATE_LIMITER.reset()  # the next hourly run
        self.export()
        feed = self.env["amazon.feed"].search([("account_id", "=", self.account.id)])
        self.assertEqual(feed.message_count, 3)
        self.assertEqual(self.mug_offer.amazon_export_state, "pending")
