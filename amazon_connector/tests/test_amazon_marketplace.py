from odoo.tests import TransactionCase, tagged

from ..amazon_sp import REGION_ENDPOINTS

# Amazon's published list ("Marketplace IDs", SP-API documentation): country code -> id.
# A wrong id silently imports another country's orders, so each one is checked.
PUBLISHED_MARKETPLACE_IDS = {
    "na": {
        "CA": "A2EUQ1WTGCTBG2",
        "US": "ATVPDKIKX0DER",
        "MX": "A1AM78C64UM0Y8",
        "BR": "A2Q3Y263D00KWC",
    },
    "eu": {
        "IE": "A28R8C7NBKEWEA",
        "ES": "A1RKKUPIHCS9HS",
        "GB": "A1F83G8C2ARO7P",
        "FR": "A13V1IB3VIYZZH",
        "BE": "AMEN7PMS3EDWL",
        "NL": "A1805IZSGTT6HS",
        "DE": "A1PA6795UKMFR9",
        "IT": "APJ6JRA9NG5V4",
        "SE": "A2NODRKZP88ZB9",
        "ZA": "AE08WJ6YKNBMC",
        "PL": "A1C3SOZRARQ6R3",
        "EG": "ARBP9OOSHTCHU",
        "TR": "A33AVAJ2PDY3EV",
        "SA": "A17E79C6D8DWNP",
        "AE": "A2VIGQ35RCS4UG",
        "IN": "A21TJRUUN4KGV",
    },
    "fe": {"SG": "A19VAU5U5O7RUS", "AU": "A39IBJ37TRP1C6", "JP": "A1VC38T7YXB528"},
}


@tagged("post_install", "-at_install")
class TestAmazonMarketplace(TransactionCase):
    def test_every_published_marketplace_is_shipped_with_its_id(self):
        marketplaces = self.env["amazon.marketplace"].search([])
        shipped = {(m.region, m.country_id.code, m.marketplace_id) for m in marketplaces}
        published = {
            (region, country, marketplace_id)
            for region, countries in PUBLISHED_MARKETPLACE_IDS.items()
            for country, marketplace_id in countries.items()
        }
        self.assertEqual(shipped, published)

    def test_ids_agree_with_python_amazon_sp_api(self):
        from sp_api.base import Marketplaces  # noqa: PLC0415 - optional cross-check

        library = {m.marketplace_id: m.name for m in Marketplaces}
        for marketplace in self.env["amazon.marketplace"].search([]):
            self.assertEqual(library.get(marketplace.marketplace_id), marketplace.country_id.code)

    def test_currencies_and_regions(self):
        by_id = {m.marketplace_id: m for m in self.env["amazon.marketplace"].search([])}
        self.assertEqual(by_id["ATVPDKIKX0DER"].currency_id.name, "USD")
        self.assertEqual(by_id["A1PA6795UKMFR9"].currency_id.name, "EUR")
        self.assertEqual(by_id["A1F83G8C2ARO7P"].currency_id.name, "GBP")
        self.assertEqual(by_id["A1VC38T7YXB528"].currency_id.name, "JPY")
        self.assertEqual(set(by_id[mid].region for mid in by_id), set(REGION_ENDPOINTS))

    def test_marketplace_id_is_unique(self):
        from psycopg2 import IntegrityError  # noqa: PLC0415

        from odoo.tools import mute_logger  # noqa: PLC0415

        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["amazon.marketplace"].create(
                {
                    "name": "Duplicate",
                    "marketplace_id": "ATVPDKIKX0DER",
                    "country_id": self.env.ref("base.us").id,
                    "currency_id": self.env.ref("base.USD").id,
                    "region": "na",
                }
            )
