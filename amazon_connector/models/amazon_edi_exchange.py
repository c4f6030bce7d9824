"""Vendor EDI: every X12 file exchanged with Amazon over AS2, kept as an exchange record.

Inbound (Amazon's AS2 server posts to /amazon_connector/as2/<account>): a message is
accepted only when signed by the account's Amazon certificate and addressed to our AS2 id;
its file is stored, then read: the 850s become sale orders through the same importer as the
API's purchase orders, a 997 answers each functional group (rejecting what cannot be read,
with where), and a 997 from Amazon concludes what we sent. A message id already received is
answered again and never processed twice.

Outbound (855 acknowledgements, 856 shipment notices, 810 invoices, 997s): the vendor flow
builds the same documents as for the API; here they are written as X12 with our next control
number, signed and encrypted, and posted with a signed MDN requested; a refused or
unreachable post stays in error with Resend. Amazon's 997 is the verdict the API's
transaction status gives: it is handed to the flow through the vendor transaction.
"""

import logging
import re
from dataclasses import dataclass, replace

import httpx

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..amazon_sp.as2 import As2DuplicateError, As2Error, build_message, read_mdn, read_message
from ..amazon_sp.documents import AmazonDocumentError
from ..amazon_sp.documents.vendor_edi import (
    build_functional_acknowledgement,
    parse_functional_acknowledgement,
    parse_routing_instructions_754,
    split_edi_orders,
)
from ..amazon_sp.documents.x12 import (
    FunctionalId,
    X12Error,
    read_interchange,
    write_interchange,
)

_logger = logging.getLogger(__name__)

DOCUMENT_TYPES = [
    ("850", "850 Purchase order"),
    ("855", "855 Acknowledgement"),
    ("753", "753 Routing request"),
    ("754", "754 Routing instructions"),
    ("856", "856 Shipment notice"),
    ("810", "810 Invoice"),
    ("997", "997 Functional acknowledgement"),
    ("unknown", "Unreadable"),
]
EXCHANGE_STATES = [
    ("to_send", "To send"),
    ("sent", "Sent"),
    ("accepted", "Accepted by Amazon"),
    ("rejected", "Rejected by Amazon"),
    ("received", "Received"),
    ("done", "Processed"),
    ("error", "Error"),
]
# The vendor transaction kind of what each outbound document carries.
TRANSACTION_KINDS = {
    "753": "routing",
    "855": "acknowledgement",
    "856": "shipment",
    "810": "invoice",
}
AS2_TIMEOUT = 60.0  # seconds: Amazon's AS2 server answers with the MDN on the same request
# An issue of an EDI purchase order keeps where to read it again: its exchange and set.
EDI_ORDER_KEY = "edi_exchange_id"


@dataclass
class _EdiReadOrder:
    """A purchase order of an 850 as the vendor order importer reads it (number, raw, order,
    error); `raw` points back to the exchange, for an issue's Retry."""

    number: str
    raw: dict
    order: object = None
    error: Exception | None = None


class AmazonEdiExchange(models.Model):
    _name = "amazon.edi.exchange"
    _description = "Amazon EDI Exchange"
    _order = "id desc"
    _rec_name = "display_ref"

    account_id = fields.Many2one(
        "amazon.account", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    direction = fields.Selection(
        [("in", "From Amazon"), ("out", "To Amazon")], required=True, readonly=True
    )
    document_type = fields.Selection(DOCUMENT_TYPES, required=True, readonly=True)
    state = fields.Selection(EXCHANGE_STATES, required=True, readonly=True, index=True)
    interchange_number = fields.Char(
        string="Control Number", readonly=True, help="The interchange control number (ISA13)."
    )
    group_number = fields.Char(readonly=True, help="The functional group control number (GS06).")
    message_id = fields.Char(string="AS2 Message ID", readonly=True, copy=False)
    filename = fields.Char(readonly=True)
    payload = fields.Text(string="X12 File", readonly=True)
    mdn_state = fields.Selection(
        [
            ("requested", "Requested"),
            ("ok", "Signed, processed"),
            ("failed", "Failed"),
            ("sent", "Sent to Amazon"),
        ],
        string="MDN",
        readonly=True,
    )
    mdn_text = fields.Text(string="MDN Detail", readonly=True)
    error = fields.Text(readonly=True)
    transaction_id = fields.Many2one(
        "amazon.vendor.transaction", string="Vendor Transaction", readonly=True
    )
    acknowledgement_id = fields.Many2one(
        "amazon.edi.exchange", string="Answered By", readonly=True, help="The 997 of this file."
    )
    sale_order_ids = fields.Many2many("sale.order", string="Purchase Orders", readonly=True)
    display_ref = fields.Char(compute="_compute_display_ref")

    _message_uniq = models.UniqueIndex(
        "(account_id, direction, message_id) WHERE message_id IS NOT NULL",
        "This AS2 message is already recorded.",
    )
    _interchange_uniq = models.UniqueIndex(
        "(account_id, direction, interchange_number) WHERE interchange_number IS NOT NULL",
        "An interchange control number is used once per partner and direction.",
    )

    @api.depends("document_type", "interchange_number", "direction")
    def _compute_display_ref(self):
        for exchange in self:
            arrow = "←" if exchange.direction == "in" else "→"
            exchange.display_ref = (
                f"{arrow} {exchange.document_type} {exchange.interchange_number or ''}".strip()
            )

    # ------------------------------------------------------------------ inbound

    @api.model
    def _receive(self, account, headers, body):
        """An AS2 POST for `account`: (HTTP status, MDN headers, MDN body). Only a message
        signed by Amazon's certificate, for our AS2 id, is accepted; its file is stored then
        processed. Refusals are logged without any of the message."""
        if not account._uses_edi():
            return 404, {}, b""
        exchanges = self.sudo()
        try:
            message = read_message(
                account._edi_identity(),
                account._edi_partner(),
                headers,
                body,
                is_duplicate=lambda message_id: bool(
                    exchanges.search_count(
                        [
                            ("account_id", "=", account.id),
                            ("direction", "=", "in"),
                            ("message_id", "=", message_id),
                        ]
                    )
                ),
            )
        except As2DuplicateError as duplicate:
            _logger.info("Amazon account %s: AS2 message received again, ignored", account.id)
            mdn = duplicate.mdn
            return 200, mdn.headers if mdn else {}, mdn.body if mdn else b""
        except As2Error as refused:
            _logger.warning(
                "Amazon account %s: AS2 message refused: %s", account.id, type(refused).__name__
            )
            mdn = refused.mdn
            return 403, mdn.headers if mdn else {}, mdn.body if mdn else b""
        text = message.payload.decode("utf-8", errors="replace")
        exchange = exchanges.create(
            {
                "account_id": account.id,
                "direction": "in",
                "document_type": _document_type(text),
                "state": "received",
                "message_id": message.message_id,
                "filename": message.filename,
                "payload": text,
                "mdn_state": "sent",
            }
        )
        exchange._process()
        mdn = message.mdn
        return 200, mdn.headers if mdn else {}, mdn.body if mdn else b""

    def _process(self):
        """Read a received file; what fails is kept on the exchange, with Reprocess."""
        for exchange in self:
            try:
                with self.env.cr.savepoint():
                    exchange._process_interchange()
            except (AmazonDocumentError, UserError) as error:
                exchange.write({"state": "error", "error": str(error)})
                _logger.warning(
                    "Amazon account %s: EDI file %s not processed: %s",
                    exchange.account_id.id,
                    exchange.id,
                    type(error).__name__,
                )

    def _process_interchange(self):
        interchange = read_interchange(self.payload)
        self.interchange_number = interchange.control_number
        duplicate = self.search_count(
            [
                ("id", "!=", self.id),
                ("account_id", "=", self.account_id.id),
                ("direction", "=", "in"),
                ("interchange_number", "=", interchange.control_number),
            ]
        )
        if duplicate:
            self.write(
                {
                    "state": "done",
                    "interchange_number": False,
                    "error": self.env._(
                        "Interchange %s was received already: not processed again.",
                        interchange.control_number,
                    ),
                }
            )
            return
        problems = []
        for group in interchange.groups:
            self.group_number = group.control_number
            if group.functional_id == FunctionalId.PURCHASE_ORDER:
                problems += self._import_purchase_orders(group)
            elif group.functional_id == FunctionalId.ROUTING_INSTRUCTIONS:
                problems += self._route(group)
            elif group.functional_id == FunctionalId.FUNCTIONAL_ACKNOWLEDGEMENT:
                self._conclude(group)
        self.write({"state": "done", "error": "\n".join(problems) or False})

    def _import_purchase_orders(self, group):
        """The group's 850s imported as the API's purchase orders are; a 997 answers it."""
        read_orders, errors, problems = self._read_orders(group)
        created = self.env["amazon.vendor.order.importer"]._import_read(
            self.account_id, read_orders
        )
        self.sale_order_ids = [fields.Command.link(sale.id) for sale in created.values()]
        self._answer(group, errors)
        return problems

    def _read_orders(self, group, control_numbers=None):
        """(orders as the vendor order importer reads them, X12 errors, problems a person
        reads) of the group's 850s (those of `control_numbers` only, when given)."""
        read_orders, errors, problems = [], [], []
        for read in split_edi_orders(_OneGroup(groups=(group,))):
            if control_numbers is not None and read.control_number not in control_numbers:
                continue
            raw = {EDI_ORDER_KEY: self.id, "control_number": read.control_number}
            if read.error is not None:
                errors.append(read.error)
                problems.append(str(read.error))
                read_orders.append(_EdiReadOrder(read.number, raw, error=read.error))
            elif read.is_direct_fulfillment:
                problems.append(
                    self.env._(
                        "Purchase order %s is a direct fulfilment order: this account takes "
                        "direct fulfilment orders from the API.",
                        read.number,
                    )
                )
            else:
                order = replace(read.order, raw=raw)
                read_orders.append(_EdiReadOrder(read.number, raw, order=order))
        return read_orders, errors, problems

    def _orders_again(self, control_numbers):
        """The purchase orders of these 850s of the file, read again (an issue's Retry)."""
        found = []
        if not self:
            return found
        for group in read_interchange(self.payload).groups:
            if group.functional_id == FunctionalId.PURCHASE_ORDER:
                found += self._read_orders(group, set(control_numbers))[0]
        return found

    def _route(self, group):
        """Amazon's 754s: the carrier, ARN and pickup of the deliveries we asked routing
        for (found by the shipment id the 753 gave, else by purchase order); a 997 answers."""
        errors, problems = [], []
        pickings = self.env["stock.picking"]
        for entry in group.entries:
            if entry.error is not None:
                errors.append(entry.error)
                problems.append(str(entry.error))
                continue
            try:
                routing = parse_routing_instructions_754(entry.transaction_set)
            except X12Error as error:
                errors.append(error)
                problems.append(str(error))
                continue
            waiting = pickings.search(
                [
                    ("sale_id.amazon_account_id", "=", self.account_id.id),
                    ("amazon_routing_state", "in", ("sent", "accepted")),
                    ("sale_id.amazon_order_ref", "in", list(routing.purchase_order_numbers)),
                ]
            )
            picking = (
                waiting.filtered(
                    lambda p, r=routing: p._amazon_vendor_shipment_ref() == r.vendor_shipment_id
                )[:1]
                or waiting[:1]
            )
            if not picking:
                problems.append(
                    self.env._(
                        "Routing instructions %(ref)s name no delivery waiting for routing "
                        "(purchase orders %(orders)s).",
                        ref=routing.reference or routing.arn,
                        orders=", ".join(routing.purchase_order_numbers) or "-",
                    )
                )
                continue
            self.env["amazon.vendor.shipment.exporter"]._routed(picking, routing)
        self._answer(group, errors)
        return problems

    def _answer(self, group, errors):
        """Our 997 for a received group (negative where `errors` or the envelope say so)."""
        acknowledgement = self._send_sets(
            self.account_id, "997", [build_functional_acknowledgement(group, errors)]
        )
        self.acknowledgement_id = acknowledgement

    def _conclude(self, group):
        """Amazon's 997s: what each says of our files concludes their transactions."""
        for transaction_set in group.transaction_sets:
            verdict = parse_functional_acknowledgement(transaction_set)
            sent = self.search(
                [
                    ("account_id", "=", self.account_id.id),
                    ("direction", "=", "out"),
                    ("group_number", "=", verdict.group_control_number),
                    ("state", "in", ("sent", "error")),
                ]
            )
            accepted = verdict.accepted
            error = False if accepted else _verdict_text(verdict)
            for exchange in sent:
                exchange.write(
                    {
                        "state": "accepted" if accepted else "rejected",
                        "acknowledgement_id": self.id,
                        "error": error,
                    }
                )
                if exchange.transaction_id:
                    exchange.transaction_id._conclude(accepted, error)

    def action_reprocess(self):
        """Read a received file again (after what made it fail was fixed)."""
        received = self.filtered(lambda e: e.direction == "in" and e.state == "error")
        received.write({"state": "received", "error": False})
        received._process()
        return True

    # ------------------------------------------------------------------ outbound

    @api.model
    def _send_sets(self, account, document_type, transaction_sets, **links):
        """Write `transaction_sets` (of one functional group) as our next interchange, keep
        it, and send it; returns the exchange. A vendor transaction stands for what Amazon
        makes of it (855, 856, 810) until Amazon's 997 says."""
        number = account._next_interchange_number()
        text = write_interchange(
            transaction_sets,
            sender_qualifier=account.edi_interchange_qualifier or "ZZ",
            sender_id=account.edi_interchange_id or account.edi_as2_id,
            receiver_qualifier=account.edi_amazon_interchange_qualifier or "ZZ",
            receiver_id=account.edi_amazon_interchange_id or "AMAZON",
            control_number=number,
            group_control_number=number,
            created=fields.Datetime.now(),
            usage=account.edi_usage or "P",
        )
        values = {
            "account_id": account.id,
            "direction": "out",
            "document_type": document_type,
            "state": "to_send",
            "interchange_number": f"{number:09d}",
            "group_number": str(number),
            "filename": f"{document_type}_{number:09d}.edi",
            "payload": text,
        }
        kind = TRANSACTION_KINDS.get(document_type)
        if kind:
            transaction = self.env["amazon.vendor.transaction"].create(
                {
                    "account_id": account.id,
                    "transaction_ref": f"EDI {document_type} {number:09d}",
                    "kind": kind,
                    "wire": "edi",
                    **{
                        key: [fields.Command.set(value.ids)] if key.endswith("_ids") else value
                        for key, value in links.items()
                    },
                }
            )
            values["transaction_id"] = transaction.id
        exchange = self.sudo().create(values)
        exchange._send()
        return exchange

    def _send(self):
        """Post each file to Amazon over AS2 and read the signed MDN."""
        for exchange in self:
            account = exchange.account_id
            try:
                identity, partner = account._edi_identity(), account._edi_partner()
                outbound = build_message(
                    identity,
                    partner,
                    exchange.payload.encode(),
                    exchange.filename,
                )
                response = httpx.post(
                    partner.url,
                    headers=outbound.headers,
                    content=outbound.body,
                    timeout=AS2_TIMEOUT,
                )
                if response.status_code != 200:
                    raise As2Error(f"Amazon's AS2 server answered HTTP {response.status_code}")
                result = read_mdn(
                    identity,
                    partner,
                    outbound,
                    dict(response.headers),
                    response.content,
                )
            except (As2Error, httpx.HTTPError) as error:
                _logger.warning(
                    "Amazon account %s: EDI file %s not sent: %s", account.id, exchange.id, error
                )
                exchange.write({"state": "error", "error": str(error), "mdn_state": "failed"})
                continue
            values = {
                "message_id": outbound.message_id,
                "mdn_text": result.text or result.disposition,
            }
            if result.ok:
                values.update({"state": "sent", "mdn_state": "ok", "error": False})
            else:
                values.update(
                    {
                        "state": "error",
                        "mdn_state": "failed",
                        "error": self.env._("Amazon's MDN: %s", result.disposition),
                    }
                )
            exchange.write(values)

    def action_resend(self):
        """Send again the files Amazon did not take (same file, same control number)."""
        failed = self.filtered(lambda e: e.direction == "out" and e.state == "error")
        failed.write({"state": "to_send", "error": False})
        failed._send()
        return True

    @api.model
    def _send_pending(self, account):
        """What waits to be sent (the scheduled vendor job)."""
        pending = self.search(
            [("account_id", "=", account.id), ("direction", "=", "out"), ("state", "=", "to_send")]
        )
        pending._send()
        return len(pending)


def _document_type(text):
    """The transaction set of a file (its first ST01), for the exchange list; "unknown"
    when the file is no X12 interchange."""
    if not text.startswith("ISA") or len(text) < 106:
        return "unknown"
    element, terminator = text[3], text[105]
    found = re.search(re.escape(terminator) + r"\s*ST" + re.escape(element) + r"(\d{3})", text)
    codes = {code for code, _label in DOCUMENT_TYPES}
    return found.group(1) if found and found.group(1) in codes else "unknown"


def _verdict_text(verdict):
    """What Amazon's 997 says of a group it did not accept, for a person."""
    rejected = [
        f"{ts.id_code or 'set'} {ts.control_number}: {ts.status} "
        f"({', '.join(ts.codes) or 'no code'})"
        for ts in verdict.transaction_sets
        if not ts.accepted
    ]
    codes = ", ".join(verdict.codes)
    head = f"Amazon's 997: group {verdict.group_control_number} {verdict.status}"
    return "; ".join([head + (f" ({codes})" if codes else ""), *rejected])


@dataclass
class _OneGroup:
    """An interchange-like holder of one group, as split_edi_orders reads it."""

    groups: tuple
