from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    amazon_account_count = fields.Integer(compute="_compute_amazon_accounts")
    amazon_connected_count = fields.Integer(compute="_compute_amazon_accounts")
    amazon_setup_count = fields.Integer(
        compute="_compute_amazon_accounts", help="Accounts that still miss part of their set-up."
    )

    def _compute_amazon_accounts(self):
        accounts = self.env["amazon.account"].search([("company_id", "=", self.env.company.id)])
        for settings in self:
            settings.amazon_account_count = len(accounts)
            settings.amazon_connected_count = len(
                accounts.filtered(lambda a: a.state == "connected")
            )
            settings.amazon_setup_count = len(accounts.filtered(lambda a: not a.setup_ready))

    def action_open_amazon_accounts(self):
        return self.env["ir.actions.act_window"]._for_xml_id(
            "amazon_connector.action_amazon_account"
        )

    def action_new_amazon_account(self):
        action = self.action_open_amazon_accounts()
        action.update({"view_mode": "form", "views": [(False, "form")], "target": "current"})
        return action
