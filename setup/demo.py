# Demo company set-up, run by `make run` through `odoo-bin shell` (which provides `env`).
# Idempotent: a second run finds what the first created and only refreshes the endpoints.

import os

EMULATOR_URL = os.environ["EMULATOR_URL"].rstrip("/")
SELLER_ID = "A1DEMOSELLER0001"
DEMO_PRODUCTS = [
    ("DEMO-MUG-01", "Ceramic mug 330 ml", 12.90),
    ("DEMO-TSHIRT-M", "Organic T-shirt, size M", 24.00),
    ("DEMO-BOTTLE-75", "Steel bottle 750 ml", 19.50),
    ("DEMO-NOTEBOOK-A5", "Dotted notebook A5", 8.75),
]


def ensure(model, domain, values):
    record = env[model].with_context(active_test=False).search(domain, limit=1)
    if record:
        return record
    return env[model].create(values)


company = env.company
env.ref("base.EUR").active = True
env.ref("base.USD").active = True

fbm_warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
fba_warehouse = ensure(
    "stock.warehouse",
    [("code", "=", "AFBA"), ("company_id", "=", company.id)],
    {"name": "Amazon FBA", "code": "AFBA", "company_id": company.id, "is_amazon_fba": True},
)
journal = ensure(
    "account.journal",
    [("code", "=", "AMZN"), ("company_id", "=", company.id)],
    {"name": "Amazon", "code": "AMZN", "type": "bank", "company_id": company.id},
)
for quantity, (sku, name, price) in zip((24, 40, 7, 0), DEMO_PRODUCTS, strict=True):
    product = ensure(
        "product.product",
        [("default_code", "=", sku)],
        {
            "name": name,
            "default_code": sku,
            "list_price": price,
            "type": "consu",
            "is_storable": True,
        },
    )
    if quantity and not product.stock_quant_ids:
        env["stock.quant"]._update_available_quantity(product, fbm_warehouse.lot_stock_id, quantity)
ups_product = ensure(
    "product.product",
    [("default_code", "=", "DEMO-UPS")],
    {"name": "UPS Ground", "default_code": "DEMO-UPS", "type": "service"},
)
ensure(
    "delivery.carrier",
    [("name", "=", "UPS Ground")],
    {
        "name": "UPS Ground",
        "product_id": ups_product.id,
        "delivery_type": "fixed",
        "amazon_carrier_code": "UPS",
    },
)
pricelists = {
    code: ensure(
        "product.pricelist",
        [("name", "=", f"Amazon {code}")],
        {"name": f"Amazon {code}", "currency_id": env.ref(f"base.{code}").id},
    )
    for code in ("USD", "EUR")
}

account = ensure(
    "amazon.account",
    [("seller_id", "=", SELLER_ID), ("company_id", "=", company.id)],
    {"name": "Demo Amazon account (emulator)", "seller_id": SELLER_ID, "company_id": company.id},
)
account.write(
    {
        "region": "na",
        "lwa_client_id": "amzn1.application-oa2-client.demo",
        "lwa_client_secret": "demo-client-secret",
        "refresh_token": "Atzr|demo-refresh-token",
        "api_endpoint": EMULATOR_URL,
        "lwa_endpoint": f"{EMULATOR_URL}/auth/o2/token",
        "fba_warehouse_id": fba_warehouse.id,
        "fbm_warehouse_id": fbm_warehouse.id,
        "payment_journal_id": journal.id,
        "order_import_days": 7,
    }
)
connected = account._check_connection()
for setting in account.marketplace_setting_ids.filtered(lambda s: not s.pricelist_id):
    setting.pricelist_id = pricelists[setting.currency_id.name]
env.cr.commit()
if connected:
    account._sync_orders()  # what the cron does every 15 minutes, once now
    env.cr.commit()
    account._export_offers()  # and the hourly stock and price publication
    env.cr.commit()
    account._import_refunds()  # and the hourly refund import
    env.cr.commit()
    account._import_settlements()  # and the daily settlement import
    env.cr.commit()
vendor = ensure(
    "amazon.account",
    [("kind", "=", "vendor"), ("company_id", "=", company.id)],
    {"name": "Demo Amazon vendor account (emulator)", "kind": "vendor", "company_id": company.id},
)
vendor.write(
    {
        "region": "na",
        "lwa_client_id": "amzn1.application-oa2-client.demo",
        "lwa_client_secret": "demo-client-secret",
        "refresh_token": "Atzr|demo-refresh-token",
        "api_endpoint": EMULATOR_URL,
        "lwa_endpoint": f"{EMULATOR_URL}/auth/o2/token",
        "vendor_warehouse_id": fbm_warehouse.id,
        "order_import_days": 7,
        "df_enabled": True,
        "df_warehouse_id": fbm_warehouse.id,
        "df_ship_from_codes": "DFWH1",
    }
)
if vendor._check_connection():
    env.cr.commit()
    vendor._sync_orders()  # Amazon's purchase orders, with acknowledgements proposed from stock
    env.cr.commit()
    vendor._df_sync_orders()  # Amazon's customers' orders to ship, acknowledged at once
env.cr.commit()
df_orders = env["sale.order"].search_count(
    [("amazon_account_id", "=", vendor.id), ("amazon_channel", "=", "direct_fulfillment")]
)
purchase_orders = env["sale.order"].search_count([("amazon_account_id", "=", vendor.id)])
orders = env["sale.order"].search([("amazon_account_id", "=", account.id)])
print(
    f"demo account {account.name!r}: {account.state}, marketplaces "
    f"{', '.join(account.marketplace_ids.mapped('name')) or '-'}; "
    f"{len(orders)} Amazon orders in Odoo; "
    f"{len(account.marketplace_setting_ids.pricelist_id)} marketplace pricelists; "
    f"{env['amazon.refund'].search_count([('account_id', '=', account.id)])} refunds, "
    f"{env['amazon.settlement'].search_count([('account_id', '=', account.id)])} settlements"
    + ("" if connected else f" ({account.last_error})")
)
print(
    f"demo vendor account {vendor.name!r}: {vendor.state}, "
    f"{purchase_orders - df_orders} purchase orders, {df_orders} direct fulfilment orders"
)
