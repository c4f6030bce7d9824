import logging
import re
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..amazon_sp import AmazonError, AmazonRequestError, AmazonThrottledError
from ..amazon_sp.documents import ShipmentConfirmation

_logger = logging.getLogger(__name__)

SHIPMENT_STATES = [
    ("to_send", "To send"),
    ("sent", "Sent"),
    ("error", "Error"),
]
VENDOR_ROUTING_STATES = [
    ("to_send", "To request"),
    ("sent", "Requested"),
    ("accepted", "Waiting for Amazon's carrier"),
    ("routed", "Routed"),
    ("failed", "Refused"),
]
VENDOR_ASN_STATES = [
    ("to_send", "To send"),
    ("sent", "Sent"),
    ("done", "Accepted"),
    ("failed", "Refused"),
]
# Carriers without an integration get their tracking number from a person, before validation.
MANUAL_CARRIER_TYPES = ("fixed", "base_on_rule")


class StockPicking(models.Model):
    _inherit = "stock.picking"

    amazon_order_ref = fields.Char(related="sale_id.amazon_order_ref", string="Amazon Order")
    amazon_shipment_state = fields.Selection(
        SHIPMENT_STATES,
        string="Amazon Shipment",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Whether Amazon was told about this delivery of a merchant-fulfilled order.",
    )
    amazon_shipment_error = fields.Text(readonly=True, copy=False)
    amazon_shipment_date = fields.Datetime(string="Confirmed to Amazon", readonly=True, copy=False)
    # Vendor Central deliveries: routing (collect freight) and the shipment confirmation
    amazon_freight_term = fields.Selection(
        [("Prepaid", "Prepaid (the vendor ships)"), ("Collect", "Collect (Amazon's carrier)")],
        string="Freight",
        compute="_compute_amazon_freight_term",
        store=True,
        readonly=False,
        copy=False,
    )
    amazon_ship_mode = fields.Selection(
        [
            ("SmallParcel", "Small parcel"),
            ("LessThanTruckLoad", "Less than truck load"),
            ("TruckLoad", "Truck load"),
        ],
        string="Ship Mode",
        default="SmallParcel",
        copy=False,
    )
    amazon_routing_state = fields.Selection(
        VENDOR_ROUTING_STATES, string="Amazon Routing", readonly=True, copy=False, tracking=True
    )
    amazon_routing_error = fields.Text(readonly=True, copy=False)
    amazon_routing_transaction_id = fields.Many2one(
        "amazon.vendor.transaction", readonly=True, copy=False
    )
    amazon_arn = fields.Char(
        string="Amazon Reference Number",
        readonly=True,
        copy=False,
        help="ARN: Amazon's number for a collect shipment it routed; on the shipment notice.",
    )
    amazon_carrier_name = fields.Char(string="Amazon's Carrier", readonly=True, copy=False)
    amazon_carrier_scac = fields.Char(string="Carrier SCAC", copy=False)
    amazon_carrier_reference = fields.Char(string="Carrier Reference", copy=False)
    amazon_bill_of_lading = fields.Char(string="Bill of Lading", copy=False)
    amazon_pickup_start = fields.Datetime(string="Pickup From", readonly=True, copy=False)
    amazon_pickup_end = fields.Datetime(string="Pickup By", readonly=True, copy=False)
    amazon_asn_state = fields.Selection(
        VENDOR_ASN_STATES,
        string="Amazon Shipment Notice",
        readonly=True,
        copy=False,
        index="btree_not_null",
        tracking=True,
    )
    amazon_asn_error = fields.Text(readonly=True, copy=False)
    amazon_asn_transaction_id = fields.Many2one(
        "amazon.vendor.transaction", readonly=True, copy=False
    )

    amazon_channel_is_vendor = fields.Boolean(compute="_compute_amazon_channel_is_vendor")
    # Vendor direct fulfilment: Amazon's shipping label of the parcels
    amazon_df_label_state = fields.Selection(
        [
            ("to_send", "To request"),
            ("sent", "Requested"),
            ("accepted", "Made by Amazon, to fetch"),
            ("done", "Attached"),
            ("failed", "Refused"),
        ],
        string="Amazon Label",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    amazon_df_label_error = fields.Text(readonly=True, copy=False)
    amazon_df_label_transaction_id = fields.Many2one(
        "amazon.vendor.transaction", string="Label Transaction", readonly=True, copy=False
    )
    amazon_channel_is_df = fields.Boolean(compute="_compute_amazon_channel_is_vendor")

    @api.depends("sale_id.amazon_channel", "picking_type_code")
    def _compute_amazon_channel_is_vendor(self):
        for picking in self:
            picking.amazon_channel_is_vendor = picking._is_amazon_vendor_delivery()
            picking.amazon_channel_is_df = picking._is_amazon_df_delivery()

    @api.depends("sale_id.amazon_account_id.vendor_freight_term")
    def _compute_amazon_freight_term(self):
        for picking in self:
            if not picking._is_amazon_vendor_delivery():
                picking.amazon_freight_term = False
            elif not picking.amazon_freight_term:
                picking.amazon_freight_term = picking.sale_id.amazon_account_id.vendor_freight_term

    def _is_amazon_vendor_delivery(self):
        self.ensure_one()
        return self.picking_type_code == "outgoing" and self.sale_id.amazon_channel == "vendor"

    def _is_amazon_df_delivery(self):
        """A delivery of a direct fulfilment order (to Amazon's customer)."""
        return (
            self.picking_type_code == "outgoing"
            and self.sale_id.amazon_channel == "direct_fulfillment"
        )

    def action_amazon_df_request_label(self):
        """Ask Amazon's label (again, after repacking) for these deliveries."""
        for picking in self:
            if not picking._is_amazon_df_delivery() or picking.state in ("done", "cancel"):
                raise UserError(
                    self.env._(
                        "%s is no open delivery of an Amazon direct fulfilment order.",
                        picking.name,
                    )
                )
        self.write({"amazon_df_label_state": "to_send", "amazon_df_label_error": False})
        self.env.ref("amazon_connector.ir_cron_amazon_vendor_submissions")._trigger()
        return True

    def _amazon_vendor_shipment_ref(self):
        """The delivery's shipment id at Amazon (unique per vendor): its name, kept to
        letters, digits and dashes."""
        self.ensure_one()
        return re.sub(r"[^A-Za-z0-9-]", "-", self.name)[:50]

    def action_amazon_request_routing(self):
        """Ask Amazon to route this packed delivery (collect freight: Amazon's carrier)."""
        for picking in self:
            if not picking._is_amazon_vendor_delivery():
                continue
            if not picking.move_line_ids.result_package_id:
                raise UserError(
                    self.env._(
                        "Pack %s first (Put in Pack, with the packages' weights): Amazon routes "
                        "a shipment by its cartons and weight.",
                        picking.name,
                    )
                )
            picking.write({"amazon_routing_state": "to_send", "amazon_routing_error": False})
        self.env.ref("amazon_connector.ir_cron_amazon_vendor_submissions")._trigger()
        return True

    def action_amazon_resend_notice(self):
        """Send again a shipment notice Amazon refused."""
        self.filtered(lambda p: p.amazon_asn_state == "failed").write(
            {"amazon_asn_state": "to_send", "amazon_asn_error": False}
        )
        self.env.ref("amazon_connector.ir_cron_amazon_vendor_submissions")._trigger()
        return True

    def _is_amazon_fbm_delivery(self):
        self.ensure_one()
        order = self.sale_id
        return (
            self.picking_type_code == "outgoing"
            and bool(order.amazon_account_id)
            and order.amazon_channel == "fbm"
        )

    # ------------------------------------------------------------------ validation

    def button_validate(self):
        for picking in self.filtered(lambda p: p._is_amazon_vendor_delivery()):
            if picking.amazon_freight_term == "Collect" and not picking.amazon_arn:
                raise UserError(
                    self.env._(
                        "%(picking)s is a collect shipment of Amazon purchase order %(po)s: "
                        "Amazon's carrier picks it up. Request Routing and wait for Amazon's "
                        "reference number (ARN) before validating it.",
                        picking=picking.name,
                        po=picking.sale_id.amazon_order_ref,
                    )
                )
        for picking in self.filtered(lambda p: p._is_amazon_fbm_delivery()):
            problems = picking._amazon_validation_problems()
            if problems:
                raise UserError(
                    self.env._(
                        "%(picking)s ships Amazon order %(order)s, which Amazon must be told "
                        "about: %(problems)s.",
                        picking=picking.name,
                        order=picking.amazon_order_ref,
                        problems="; ".join(problems),
                    )
                )
        return super().button_validate()

    def _amazon_validation_problems(self):
        carrier = self.carrier_id
        if not carrier:
            return [self.env._("set its carrier")]
        problems = []
        code, _name = carrier._amazon_carrier()
        if not code:
            problems.append(
                self.env._(
                    "give carrier %s its Amazon carrier (Inventory > Configuration)", carrier.name
                )
            )
        if carrier.delivery_type in MANUAL_CARRIER_TYPES and not self.carrier_tracking_ref:
            problems.append(self.env._("enter the tracking number"))
        return problems

    def _action_done(self):
        result = super()._action_done()
        shipped = self.filtered(lambda p: p.state == "done" and p._is_amazon_fbm_delivery())
        if shipped:
            shipped.write({"amazon_shipment_state": "to_send", "amazon_shipment_error": False})
            self.env.ref("amazon_connector.ir_cron_amazon_send_shipments")._trigger()
        to_notify = self.filtered(
            lambda p: (
                p.state == "done" and (p._is_amazon_vendor_delivery() or p._is_amazon_df_delivery())
            )
        )
        if to_notify:
            to_notify.write({"amazon_asn_state": "to_send", "amazon_asn_error": False})
            self.env.ref("amazon_connector.ir_cron_amazon_vendor_submissions")._trigger()
        return result

    # ------------------------------------------------------------------ confirmation

    def _amazon_shipment(self):
        """This delivery as a ShipmentConfirmation: quantities per Amazon order item."""
        self.ensure_one()
        quantities = defaultdict(float)
        for move in self.move_ids.filtered(lambda m: m.state == "done"):
            line = move.sale_line_id
            if line.amazon_order_item_id:
                quantities[line.amazon_order_item_id] += move.product_uom._compute_quantity(
                    move.quantity, line.product_uom_id
                )
        code, name = self.carrier_id._amazon_carrier() if self.carrier_id else ("", "")
        order = self.sale_id
        return ShipmentConfirmation(
            order_id=order.amazon_order_ref,
            marketplace_id=order.amazon_marketplace_id.marketplace_id,
            package_reference=str(self.id),  # Amazon takes positive numbers only
            carrier_code=code,
            carrier_name=name,
            tracking_number=self.carrier_tracking_ref or "",
            ship_date=self.date_done or fields.Datetime.now(),
            shipping_method=self.carrier_id.name or "",
            items=tuple((item, round(qty)) for item, qty in quantities.items() if qty),
        )

    def _send_amazon_shipment(self, client):
        """Confirm this delivery to Amazon; the outcome is stored on the delivery."""
        self.ensure_one()
        shipment = self._amazon_shipment()
        problems = shipment.problems()
        if problems:
            self._amazon_shipment_failed(self.env._("Not sent: %s.", "; ".join(problems)))
            return False
        try:
            client.confirm_shipment(shipment.order_id, shipment.to_request())
        except AmazonThrottledError:
            raise
        except AmazonRequestError as error:
            self._amazon_shipment_failed(self.env._("Amazon refused it: %s", error))
            return False
        except AmazonError as error:
            # Amazon unreachable or failing: stays to send, the next run tries again.
            _logger.warning("Amazon shipment of %s not sent yet: %s", self.name, error)
            self.amazon_shipment_error = str(error)
            return False
        self.write(
            {
                "amazon_shipment_state": "sent",
                "amazon_shipment_error": False,
                "amazon_shipment_date": fields.Datetime.now(),
            }
        )
        return True

    def _amazon_shipment_failed(self, message):
        self.write({"amazon_shipment_state": "error", "amazon_shipment_error": message})
        self.sale_id.amazon_account_id._ask_a_person(
            self, self.env._("Amazon shipment confirmation failed"), message
        )

    def action_amazon_retry_shipment(self):
        to_retry = self.filtered(lambda p: p.amazon_shipment_state == "error")
        to_retry.write({"amazon_shipment_state": "to_send"})
        to_retry.activity_ids.filtered(
            lambda a: a.summary == self.env._("Amazon shipment confirmation failed")
        ).action_feedback(feedback=self.env._("Sent again"))
        self.env.ref("amazon_connector.ir_cron_amazon_send_shipments")._trigger()
        return True

    @api.model
    def _cron_send_amazon_shipments(self):
        """Confirm to Amazon every validated FBM delivery still to send."""
        pickings = self.search([("amazon_shipment_state", "=", "to_send")])
        cron = self.env["ir.cron"]
        for account, group in pickings.grouped(lambda p: p.sale_id.amazon_account_id).items():
            try:
                with account._amazon_client() as client:
                    for index, picking in enumerate(group, 1):
                        picking._send_amazon_shipment(client)
                        if not cron._commit_progress(1, remaining=len(group) - index):
                            return
            except AmazonThrottledError as error:
                _logger.info("Amazon account %s throttled: shipments resume later", account.id)
                self.env.ref("amazon_connector.ir_cron_amazon_send_shipments")._trigger(
                    fields.Datetime.now() + timedelta(seconds=error.retry_after)
                )
            except AmazonError as error:
                _logger.warning("Amazon account %s: shipments not sent: %s", account.id, error)
