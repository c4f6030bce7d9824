# Vendor EDI benchmark, run by `python3 setup/dev.py bench edi` through `odoo-bin shell`
# (which provides `env`) in a fresh database with amazon_connector installed.
#
# Amazon's AS2 partner (the emulator) sends one interchange of N purchase orders of 20 lines
# each (X12 850): it is verified, decrypted, read, imported and answered with a 997. Then the
# orders are acknowledged (an 855 each over AS2, Amazon's 997s confirming them), their
# deliveries validated, and the N shipment notices (856) sent over AS2.
#
# Amazon's messages to Odoo are taken at a loopback catcher standing for Odoo's AS2 route
# (an odoo-bin shell serves no HTTP) and handed to the route's code, amazon.edi.exchange.
# ruff: noqa: F821 - `env` is injected by odoo-bin shell
import json
import os
import resource
import sys
import threading
import time
import tracemalloc
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.environ["AMAZON_CONNECTOR_REPO"])
sys.path.insert(0, os.path.join(os.environ["AMAZON_CONNECTOR_REPO"], "benchmarks"))
from bench_support import SKUS, queries

from odoo.addons.amazon_connector.amazon_sp.as2_certificates import generate_key_pair
from odoo.addons.amazon_connector.amazon_sp.documents.x12 import read_interchange

from amazon_emulator import AmazonEmulator, ManualClock
from amazon_emulator.as2_partner import make_850

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000"))
LINES = 20
AS2_ID = "BENCHVENDOR"
RESULT_FILE = os.environ.get("BENCH_RESULT_FILE")


class Catcher(BaseHTTPRequestHandler):
    """Odoo's AS2 route as Amazon reaches it: keeps each message, answers no MDN."""

    caught = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Catcher.caught.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def one_interchange(orders):
    """N 850s of the emulator in one interchange: one ISA/GS, the sets, GE/IEA counted."""
    texts = [make_850_of(number) for number in range(orders)]
    first = texts[0].split("~")
    head = [s for s in first if s.strip()[:3] in ("ISA", "GS*")]
    sets = []
    for index, text in enumerate(texts, 1):
        segments = [s.strip() for s in text.split("~") if s.strip()]
        body = segments[segments.index(next(s for s in segments if s.startswith("ST*"))) :]
        body = body[: next(i for i, s in enumerate(body) if s.startswith("SE*")) + 1]
        control = f"{index:04d}"
        body[0] = f"ST*850*{control}"
        body[-1] = f"SE*{len(body)}*{control}"
        sets += body
    group = head[1].split("*")[6]
    interchange = head[0].split("*")[13]
    tail = [f"GE*{orders}*{group}", f"IEA*1*{interchange}"]
    return "~".join([*head, *sets, *tail]) + "~"


def make_850_of(number):
    return make_850(
        f"BE{number:06d}",
        [{"vendor_sku": sku, "quantity": 4, "unit_price": "7.25"} for sku in SKUS[:LINES]],
        control_number=number + 1,
        receiver_id=AS2_ID,
        vendor_code=AS2_ID,
        ordered=datetime.now(timezone.utc),
        ship_to="ABE2",
    )


def phase(job):
    started, before = time.perf_counter(), queries(env)
    job()
    elapsed, count = time.perf_counter() - started, queries(env) - before
    env.cr.commit()
    return elapsed, count


def deliver_to_odoo(exchanges, vendor):
    """Hand what Amazon posted to the route's code."""
    caught, Catcher.caught = Catcher.caught, []
    for headers, body in caught:
        status, _headers, _body = exchanges._receive(vendor, headers, body)
        assert status == 200, status


def set_up_company():
    """The products in stock, the company's address, a carrier; (warehouse, carrier)."""
    products = env["product.product"].create(
        [
            {
                "name": f"Bench product {sku}",
                "default_code": sku,
                "type": "consu",
                "is_storable": True,
                "taxes_id": [(5, 0, 0)],
                "weight": 0.5,
            }
            for sku in SKUS[:LINES]
        ]
    )
    warehouse = env["stock.warehouse"].search([("company_id", "=", env.company.id)], limit=1)
    for product in products:
        env["stock.quant"]._update_available_quantity(product, warehouse.lot_stock_id, ORDERS * 4)
    env.company.partner_id.write(
        {
            "street": "1 Bench Road",
            "city": "Tacoma",
            "zip": "98421",
            "country_id": env.ref("base.us").id,
        }
    )
    service = env["product.product"].create({"name": "Freight", "type": "service"})
    carrier = env["delivery.carrier"].create(
        {
            "name": "Bench trucks",
            "product_id": service.id,
            "delivery_type": "fixed",
            "amazon_scac": "BNCH",
        }
    )
    return warehouse, carrier


def main():
    warehouse, carrier = set_up_company()
    catcher = ThreadingHTTPServer(("127.0.0.1", 0), Catcher)
    threading.Thread(target=catcher.serve_forever, daemon=True).start()
    keys = generate_key_pair(AS2_ID)
    clock = ManualClock(datetime.now(timezone.utc).replace(microsecond=0))
    exchanges = env["amazon.edi.exchange"]
    with AmazonEmulator(clock=clock) as emulator:
        as2 = emulator.as2
        vendor = env["amazon.account"].create(
            {
                "name": "Bench EDI vendor",
                "kind": "vendor",
                "vendor_transport": "edi",
                "vendor_warehouse_id": warehouse.id,
                "vendor_shortage_policy": "backorder",
                "edi_as2_id": AS2_ID,
                "edi_interchange_id": AS2_ID,
                "edi_private_key": keys.private_key_pem.decode(),
                "edi_certificate": keys.certificate_pem.decode(),
                "edi_amazon_url": as2.url,
                "edi_amazon_certificate": as2.certificate_pem.decode(),
            }
        )
        assert vendor._check_connection(), vendor.last_error
        as2.configure_partner(
            AS2_ID,
            keys.certificate_pem,
            url=f"http://127.0.0.1:{catcher.server_address[1]}/amazon_connector/as2/{vendor.id}",
        )
        env.cr.commit()

        text = one_interchange(ORDERS)
        tracemalloc.start()
        read_interchange(text)
        read_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        as2.send_to_partner(text.encode(), filename="bench.850")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        inbound_seconds, inbound_queries = phase(lambda: deliver_to_odoo(exchanges, vendor))
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sales = env["sale.order"].search([("amazon_account_id", "=", vendor.id)])
        assert len(sales) == ORDERS, len(sales)
        assert len([f for f in as2.received if f.kind == "997"]) == 1

        sales.action_amazon_acknowledge()
        env.cr.commit()
        ack_seconds, ack_queries = phase(vendor._vendor_submissions)
        as2.send_acknowledgements()
        verdict_seconds, verdict_queries = phase(lambda: deliver_to_odoo(exchanges, vendor))
        assert set(sales.mapped("state")) == {"sale"}, set(sales.mapped("state"))

        pickings = sales.picking_ids
        pickings.write({"carrier_id": carrier.id, "carrier_tracking_ref": "BENCH"})
        for picking in pickings:
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True

        def validate():
            for picking in pickings:
                picking.with_context(skip_backorder=True, skip_sms=True).button_validate()

        validate_seconds, _validate_queries = phase(validate)
        notices_seconds, notices_queries = phase(vendor._vendor_submissions)
        notices = [f for f in as2.received if f.kind == "856"]
        assert len(notices) == ORDERS, len(notices)
    catcher.shutdown()
    result = {
        "purchase_orders": ORDERS,
        "lines": len(sales.order_line),
        "interchange_bytes": len(text),
        "x12_read_peak_mib": round(read_peak / 2**20, 1),
        "inbound_seconds": round(inbound_seconds, 1),
        "inbound_queries_per_order": round(inbound_queries / ORDERS, 1),
        "inbound_peak_rss_growth_mib": round((rss_after - rss_before) / 1024, 1),
        "acknowledgements_855_seconds": round(ack_seconds, 1),
        "acknowledgement_queries_per_order": round(ack_queries / ORDERS, 1),
        "amazon_997s_seconds": round(verdict_seconds, 1),
        "amazon_997_queries_per_order": round(verdict_queries / ORDERS, 1),
        "validate_deliveries_seconds": round(validate_seconds, 1),
        "shipment_notices_856_seconds": round(notices_seconds, 1),
        "shipment_notice_queries_per_delivery": round(notices_queries / ORDERS, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))
    if RESULT_FILE:
        with open(RESULT_FILE, "w", encoding="utf-8") as file:
            json.dump(result, file, indent=2)


main()
