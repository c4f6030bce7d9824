"""FBA customer returns: Amazon's returns report asked for, polled, and each returned line
put back in stock once (sellable units in the FBA warehouse, others in 'damaged at Amazon').

The report is requested for a window (the last one's end minus a day of overlap, to now), and
read on a later run once Amazon has made it: the report id waits on the account meanwhile.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models

from ..amazon_sp.documents import RETURNS_REPORT_TYPE, AmazonDocumentError, parse_customer_returns

_logger = logging.getLogger(__name__)

RETURNS_OVERLAP = timedelta(days=1)
FIRST_WINDOW = timedelta(days=30)
# Reports API processing statuses.
REPORT_DONE = "DONE"
REPORT_FAILED = ("FATAL", "CANCELLED")


class AmazonReturnImporter(models.AbstractModel):
    _name = "amazon.return.importer"
    _description = "Amazon FBA Returns Importer"

    @api.model
    def _import_returns(self, account):
        """One step: read the report asked for before, or ask for the next one. Returns the
        returns recorded this run."""
        Return = self.env["amazon.fba.return"]
        with account._amazon_client() as client:
            if account.returns_report_ref:
                report = client.get_report(account.returns_report_ref)
                status = report.get("processingStatus")
                if status == REPORT_DONE:
                    content = client.get_report_document(report["reportDocumentId"])
                    recorded = self._record(account, content)
                    account.write(
                        {
                            "returns_synced_until": account.returns_window_end,
                            "returns_report_ref": False,
                        }
                    )
                    return recorded
                if status in REPORT_FAILED:
                    # CANCELLED: no return in the window; FATAL: ask again next run.
                    values = {"returns_report_ref": False}
                    if status == "CANCELLED":
                        values["returns_synced_until"] = account.returns_window_end
                    account.write(values)
                return Return
            now = fields.Datetime.now()
            start = (account.returns_synced_until or now - FIRST_WINDOW) - RETURNS_OVERLAP
            end = now - timedelta(minutes=5)
            report_ref = client.create_report(
                RETURNS_REPORT_TYPE,
                account.marketplace_ids.mapped("marketplace_id"),
                data_start=start,
                data_end=end,
            )
            account.write({"returns_report_ref": report_ref, "returns_window_end": end})
        return Return

    def _record(self, account, content):
        """Store the report's lines not seen before, and put them back in stock."""
        Return = self.env["amazon.fba.return"]
        try:
            lines = parse_customer_returns(content)
        except AmazonDocumentError as error:
            _logger.warning("Amazon account %s: returns report unreadable", account.id)
            account.last_error = self.env._("FBA returns report unreadable: %s", error)
            return Return
        known = set(
            Return.search(
                [
                    ("account_id", "=", account.id),
                    ("return_key", "in", [r.return_key for r in lines]),
                ]
            ).mapped("return_key")
        )
        new = {}
        for line in lines:
            if line.return_key not in known:
                new.setdefault(line.return_key, line)
        returns = Return.create(
            [
                {
                    "account_id": account.id,
                    "return_key": key,
                    "order_ref": line.order_id,
                    "sku": line.sku,
                    "quantity": line.quantity,
                    "disposition": line.detailed_disposition,
                    "reason": line.reason,
                    "return_date": line.return_date,
                    "sellable": line.sellable,
                }
                for key, line in new.items()
            ]
        )
        self._put_back(account, returns)
        return returns

    def _put_back(self, account, returns):
        """A done move per return line, from the customers into the FBA warehouse or its
        damaged location; a line whose order or product is unknown waits, marked."""
        warehouse = account.fba_warehouse_id
        if not warehouse:
            returns.write({"problem": self.env._("The account has no FBA warehouse.")})
            return
        sales = self.env["sale.order"].search(
            [
                ("amazon_account_id", "=", account.id),
                ("amazon_order_ref", "in", list(set(returns.mapped("order_ref")))),
            ]
        )
        by_ref = {sale.amazon_order_ref: sale for sale in sales}
        offers = self.env["amazon.offer"].search(
            [("account_id", "=", account.id), ("sku", "in", list(set(returns.mapped("sku"))))]
        )
        by_sku = {offer.sku: offer.product_id for offer in offers}
        customers = self.env.ref("stock.stock_location_customers")
        damaged = account._fba_damaged_location()
        moves = self.env["stock.move"]
        for record in returns:
            sale = by_ref.get(record.order_ref)
            product = (
                by_sku.get(record.sku)
                or sale.order_line.product_id.filtered(
                    lambda p, sku=record.sku: p.default_code == sku
                )[:1]
            )
            if not sale or not product:
                record.write(
                    {
                        "state": "issue",
                        "sale_order_id": sale.id if sale else False,
                        "problem": self.env._("No such Amazon order in Odoo.")
                        if not sale
                        else self.env._("No product for SKU %s.", record.sku),
                    }
                )
                continue
            move = self.env["stock.move"].create(
                {
                    "product_id": product.id,
                    "product_uom_qty": record.quantity,
                    "product_uom": product.uom_id.id,
                    "location_id": customers.id,
                    "location_dest_id": (warehouse.lot_stock_id if record.sellable else damaged).id,
                    "company_id": account.company_id.id,
                    "origin": self.env._("Amazon return %s", record.order_ref),
                    "picking_type_id": warehouse.in_type_id.id,
                    "warehouse_id": warehouse.id,
                }
            )
            record.write(
                {
                    "state": "done",
                    "problem": False,
                    "sale_order_id": sale.id,
                    "product_id": product.id,
                    "move_id": move.id,
                }
            )
            moves |= move
        if moves:
            moves._action_confirm()
            for move in moves:
                move.quantity = move.product_uom_qty
            moves.picked = True
            moves._action_done()
