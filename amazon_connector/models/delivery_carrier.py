from odoo import fields, models

# Carrier codes Amazon accepts in shipment confirmations (Amazon's CarrierCode list; the
# most used ones). Any other carrier is sent as "Other" with its name.
AMAZON_CARRIER_CODES = [
    ("USPS", "USPS"),
    ("UPS", "UPS"),
    ("FedEx", "FedEx"),
    ("DHL", "DHL"),
    ("DHL eCommerce", "DHL eCommerce"),
    ("Amazon Shipping", "Amazon Shipping"),
    ("OnTrac", "OnTrac"),
    ("Canada Post", "Canada Post"),
    ("Purolator", "Purolator"),
    ("Royal Mail", "Royal Mail"),
    ("Parcelforce", "Parcelforce"),
    ("Evri", "Evri"),
    ("Deutsche Post", "Deutsche Post"),
    ("DPD", "DPD"),
    ("GLS", "GLS"),
    ("Hermes", "Hermes"),
    ("La Poste", "La Poste"),
    ("Colissimo", "Colissimo"),
    ("Chronopost", "Chronopost"),
    ("Poste Italiane", "Poste Italiane"),
    ("BRT", "BRT"),
    ("SEUR", "SEUR"),
    ("Correos", "Correos"),
    ("PostNL", "PostNL"),
    ("bpost", "bpost"),
    ("Japan Post", "Japan Post"),
    ("Yamato Transport", "Yamato Transport"),
    ("Australia Post", "Australia Post"),
    ("India Post", "India Post"),
    ("Other", "Other (send the carrier's name)"),
]


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    amazon_carrier_code = fields.Selection(
        AMAZON_CARRIER_CODES,
        string="Amazon Carrier",
        help="How Amazon knows this carrier in shipment confirmations. Deliveries of Amazon "
        "orders with a carrier that has none are not confirmed to Amazon.",
    )
    amazon_carrier_name = fields.Char(
        help="Carrier name sent with the code 'Other'; this carrier's own name when empty."
    )
    amazon_scac = fields.Char(
        string="SCAC",
        help="The carrier's Standard Carrier Alpha Code, sent to Vendor Central with the "
        "shipment notices of Amazon's purchase orders.",
    )

    def _amazon_carrier(self):
        """(code, name) Amazon knows this carrier by; code is empty when unmapped."""
        self.ensure_one()
        code = self.amazon_carrier_code or ""
        name = (self.amazon_carrier_name or self.name) if code == "Other" else ""
        return code, name
