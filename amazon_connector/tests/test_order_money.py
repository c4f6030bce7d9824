"""Amazon's money to the cent: tax Amazon collects, VAT included in prices, rounding written
off, order-level charges."""

from odoo.tests import tagged

from .common import DE, SELLER, US
from .test_order_import import MUG, OrderImportCase

BOTTLE = {"sku": "BOTTLE-1", "asin": "B000BTL001", "title": "Bottle"}


@tagged("post_install", "-at_install")
class TestOrderMoney(OrderImportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # As on a fresh database: every product carries the company's default sale tax.
        cls.sale_tax = cls.env.company.account_sale_tax_id or cls.env["account.tax"].create(
            {"name": "15%", "amount": 15.0, "type_tax_use": "sale"}
        )
        (cls.mug | cls.bottle).taxes_id = cls.sale_tax
        cls.account.flush_recordset()

    def setting(self, marketplace_id):
        return self.account.marketplace_setting_ids.filtered(
            lambda s: s.marketplace_id.marketplace_id == marketplace_id
        )

    def payment_of(self, invoice):
        return self.env["account.payment"].search([("invoice_ids", "in", invoice.ids)])

    def test_every_marketplace_gets_its_settings_with_defaults(self):
        us, de = self.setting(US), self.setting(DE)
        self.assertEqual((us.amazon_collects_tax, us.prices_include_tax), (True, False))
        self.assertEqual((de.amazon_collects_tax, de.prices_include_tax), (False, True))

    def test_us_tax_collected_by_amazon_is_not_the_sellers(self):
        order_id = self.add_order(
            "fba",
            items=[
                {
                    **MUG,
                    "quantity": 2,
                    "unit_price": "12.50",
                    "shipping_price": "4.99",
                    "gift_wrap_price": "2.99",
                    "promotion_discount": "2.00",
                    "tax": {"ITEM": "2.00", "SHIPPING": "0.20"},
                },
                {**BOTTLE, "unit_price": "16.85", "tax": "1.19"},
            ],
        )
        amazon_order = self.emulator.get_stored_order(SELLER, order_id)
        self.assertEqual(amazon_order["proceeds"]["grandTotal"]["amount"], "51.22")
        self.sync()
        sale = self.sales(order_id)
        self.assertAlmostEqual(sale.amazon_collected_tax, 3.39)
        self.assertAlmostEqual(sale.amazon_total, 47.83)
        self.assertAlmostEqual(sale.amazon_buyer_total, 51.22)
        self.assertAlmostEqual(sale.amount_total, 47.83)
        self.assertAlmostEqual(sale.amount_tax, 0.0)
        self.assertFalse(sale.order_line.tax_ids)
        self.assertFalse(sale.amazon_total_mismatch)
        invoice = sale.invoice_ids
        self.assertAlmostEqual(invoice.amount_untaxed, 47.83)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(self.payment_of(invoice).amount, 47.83)
        self.assertContractClean()

    def test_marketplace_setting_decides_when_amazon_does_not_say(self):
        item = {**MUG, "unit_price": "10.00", "tax": "0.80", "tax_collection": None}
        us_order = self.add_order("fba", items=[item])
        self.setting(DE).write({"amazon_collects_tax": True, "prices_include_tax": False})
        de_order = self.add_order("fba", marketplace=DE, items=[item])
        self.sync()
        for sale in self.sales(us_order, de_order):
            self.assertAlmostEqual((sale.amount_total, sale.amazon_collected_tax), (10.0, 0.8))
            self.assertFalse(sale.order_line.tax_ids)

    def test_de_vat_included_equals_amazon_to_the_cent(self):
        order_id = self.add_order(
            "fba", marketplace=DE, items=[{**BOTTLE, "quantity": 2, "unit_price": "23.80"}]
        )
        self.sync()
        sale = self.sales(order_id)
        self.assertAlmostEqual(sale.amount_total, 47.60)
        self.assertAlmostEqual(sale.amazon_total, 47.60)
        # the product's tax, as Odoo's fiscal position of a German address maps it (with
        # the default chart: "Foreign Trade"), applied price-included
        expected = sale.fiscal_position_id.map_tax(self.sale_tax)
        line = sale.order_line
        self.assertTrue(line.tax_ids.price_include)
        self.assertEqual(line.tax_ids.amount, expected.amount)
        rate = expected.amount / 100
        self.assertAlmostEqual(sale.amount_tax, round(47.60 - 47.60 / (1 + rate), 2))
        self.assertIn(sale.invoice_ids.payment_state, ("paid", "in_payment"))
        # the included twin is made once, then reused
        self.add_order("fba", marketplace=DE, items=[{**BOTTLE, "unit_price": "23.80"}])
        self.sync()
        twins = self.env["account.tax"].search(
            [
                ("amount", "=", expected.amount),
                ("price_include", "=", True),
                ("type_tax_use", "=", "sale"),
            ]
        )
        self.assertEqual(len(twins), 1)

    def test_de_vat_from_the_fiscal_position_of_the_destination(self):
        german_vat = self.env["account.tax"].create(
            {"name": "DE 19%", "amount": 19.0, "type_tax_use": "sale"}
        )
        self.env["account.fiscal.position"].create(
            {
                "name": "OSS Germany",
                "auto_apply": True,
                "sequence": 1,
                "country_id": self.env.ref("base.de").id,
                "tax_ids": [(4, german_vat.id)],
            }
        )
        self.env["account.tax"].browse(german_vat.id).original_tax_ids = self.sale_tax
        order_id = self.add_order(
            "fba", marketplace=DE, items=[{**BOTTLE, "quantity": 2, "unit_price": "23.80"}]
        )
        self.sync()
        sale = self.sales(order_id)
        self.assertEqual(sale.fiscal_position_id.name, "OSS Germany")
        self.assertEqual(sale.order_line.tax_ids.amount, 19.0)
        self.assertTrue(sale.order_line.tax_ids.price_include)
        self.assertAlmostEqual(sale.amount_total, 47.60)
        self.assertAlmostEqual(sale.amount_tax, 7.60)

    def test_marketplace_taxes_replace_the_products(self):
        reduced = self.env["account.tax"].create(
            {"name": "7% incl.", "amount": 7.0, "price_include_override": "tax_included"}
        )
        self.setting(DE).tax_ids = reduced
        order_id = self.add_order("fba", marketplace=DE, items=[{**BOTTLE, "unit_price": "10.70"}])
        self.sync()
        sale = self.sales(order_id)
        self.assertEqual(sale.order_line.tax_ids, reduced)
        self.assertAlmostEqual((sale.amount_total, sale.amount_tax), (10.70, 0.70))

    def seller_tax_on_top(self, rate=13.0):
        """DE set up as a marketplace whose prices exclude the seller's tax."""
        setting = self.setting(DE)
        setting.prices_include_tax = False
        setting.tax_ids = self.env["account.tax"].create(
            {"name": f"{rate:g}% on top", "amount": rate, "type_tax_use": "sale"}
        )

    # Amazon rounds the tax per unit: 3 x round(1.05 x 13%) = 0.42; Odoo per line: 0.41.
    ROUNDED_PER_UNIT = {**BOTTLE, "quantity": 3, "unit_price": "1.05", "tax": "0.42"}

    def test_one_cent_residual_is_written_off_and_the_order_paid(self):
        self.seller_tax_on_top()
        order_id = self.add_order("fba", marketplace=DE, items=[self.ROUNDED_PER_UNIT])
        self.sync()
        sale = self.sales(order_id)
        self.assertAlmostEqual(sale.amazon_total, 3.57)
        self.assertAlmostEqual(sale.amount_total, 3.56)
        self.assertFalse(sale.amazon_total_mismatch)
        self.assertFalse(sale.activity_ids)
        invoice = sale.invoice_ids
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        payment = self.payment_of(invoice)
        self.assertAlmostEqual(payment.amount, 3.57)
        writeoff = payment.move_id.line_ids.filtered(
            lambda line: line.account_id == self.account._rounding_writeoff_account()
        )
        self.assertAlmostEqual(writeoff.balance, -0.01)

    def test_residual_above_the_tolerance_is_flagged_and_left_unpaid(self):
        self.seller_tax_on_top(5.0)  # Odoo adds 5% that Amazon's 10.00 does not hold
        order_id = self.add_order("fba", marketplace=DE, items=[{**BOTTLE, "unit_price": "10.00"}])
        self.sync()
        sale = self.sales(order_id)
        self.assertAlmostEqual(sale.amount_total - sale.amazon_total, 0.50)
        self.assertTrue(sale.amazon_total_mismatch)
        self.assertIn("Total differs from Amazon's", sale.activity_ids.mapped("summary"))
        self.assertEqual(sale.invoice_ids.payment_state, "not_paid")

    def test_delivery_tip_and_an_unknown_charge_become_lines(self):
        order_id = self.add_order(
            "fba",
            items=[{**MUG, "charges": {"SURPRISE_FEE": "1.50"}}],
            order_charges={"DELIVERY_TIP": "5.00"},
        )
        self.sync()
        sale = self.sales(order_id)
        by_product = {line.product_id: line for line in sale.order_line}
        tip = by_product[self.account.delivery_tip_product_id]
        other = by_product[self.account.other_charge_product_id]
        self.assertAlmostEqual(tip.price_total, 5.00)
        self.assertAlmostEqual(other.price_total, 1.50)
        self.assertIn("SURPRISE_FEE", other.name)
        self.assertAlmostEqual(sale.amount_total, 19.99 + 1.50 + 5.00)
        self.assertFalse(sale.amazon_total_mismatch)
        self.assertIn(sale.invoice_ids.payment_state, ("paid", "in_payment"))

    def test_fbm_invoice_paid_with_the_cent_written_off(self):
        self.seller_tax_on_top()
        order_id = self.add_order("fbm", marketplace=DE, items=[self.ROUNDED_PER_UNIT])
        self.sync()
        sale = self.sales(order_id)
        self.assertAlmostEqual((sale.amount_total, sale.amazon_total), (3.56, 3.57))
        sale.action_confirm()
        moves = sale.picking_ids.move_ids
        moves.quantity = 3
        moves.picked = True
        sale.picking_ids._action_done()
        invoice = sale._create_invoices()
        invoice.action_post()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertAlmostEqual(self.payment_of(invoice).amount, 3.57)
