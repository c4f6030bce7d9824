from odoo import fields, models


class AmazonSettlementMapping(models.Model):
    """Where an amount description of Amazon's settlements (a fee, a reimbursement, a
    reserve...) is booked, per account."""

    _name = "amazon.settlement.mapping"
    _description = "Amazon Settlement Account Mapping"
    _order = "account_id, description"
    _check_company_auto = True

    account_id = fields.Many2one(
        "amazon.account", string="Amazon Account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    description = fields.Char(
        string="Amazon Description",
        required=True,
        help="Amazon's amount description, exactly as in the settlement report "
        "(Commission, FBAPerUnitFulfillmentFee, Storage Fee...).",
    )
    ledger_account_id = fields.Many2one("account.account", required=True, check_company=True)

    _account_description_uniq = models.Constraint(
        "UNIQUE(account_id, description)", "One account per Amazon description."
    )
