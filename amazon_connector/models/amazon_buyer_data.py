"""Buyer personal data kept only as long as Amazon's data protection policy allows.

Amazon lets a seller keep a buyer's name, address, phone and e-mail at most 30 days after
the order's delivery. The daily job anonymises, account by account, what the import keeps
of them once the account's retention (`buyer_data_retention_days`) has passed:

1. orders: an order is finished when none of its deliveries is still open and it was
   delivered (its last done delivery or return; an order Amazon reports shipped without a
   delivery in Odoo: Amazon's last update) or cancelled (Amazon's or Odoo's last change).
   Finished before the retention, it is marked (`amazon_buyer_data_removal_date`): done once.
2. contacts: the delivery contacts the import made and, in "one customer per buyer" mode,
   the buyers' customers, once no order whose buyer data is kept uses them (or, never used
   by an order — its import failed —, once older than the retention). Name replaced; street,
   city, phone, e-mail and company cleared; country, state and zip stay (taxes, reports);
   the address key goes, so a later order makes a new contact. Deliveries and invoices only
   point at these contacts, so they show the anonymised name too.
3. import issues: the Amazon document loses the buyer, the recipient (country, state and
   postal code of the address stay, for a retry), tax registrations and gift messages; a
   resolved issue loses its document altogether. Reason and detail are masked.
"""

import json
from dataclasses import dataclass
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..amazon_sp.log_masking import mask_text
from ..amazon_sp.personal_data import personal_values, without_buyer_data

BATCH_SIZE = 500
CLEARED_PARTNER_FIELDS = ("street", "street2", "city", "phone", "email", "company_name")
QUIET = {"tracking_disable": True, "mail_notrack": True}


@dataclass
class Anonymised:
    """What one run anonymised for an account; `complete` is False when it ran out of time."""

    orders: int = 0
    partners: int = 0
    issues: int = 0
    complete: bool = True


class AmazonBuyerData(models.AbstractModel):
    _name = "amazon.buyer.data"
    _description = "Amazon Buyer Data Retention"

    @api.model
    def _anonymise(self, account):
        """Anonymise the buyer data `account` kept past its retention, in committed batches."""
        account.ensure_one()
        self = self.with_context(**QUIET)  # noqa: PLW0642 - no tracking of what is removed
        cutoff = fields.Datetime.now() - timedelta(days=account.buyer_data_retention_days)
        result = Anonymised()
        # In this order: contacts wait for the orders marked first.
        stages = (
            ("orders", self._orders_past_retention, self._mark_orders),
            ("partners", self._partners_past_retention, self._anonymise_partners),
            ("issues", self._issues_past_retention, self._anonymise_issues),
        )
        for counter, find, anonymise in stages:
            ids = find(account, cutoff)
            for start in range(0, len(ids), BATCH_SIZE):
                batch = ids[start : start + BATCH_SIZE]
                setattr(result, counter, getattr(result, counter) + anonymise(batch))
                remaining = len(ids) - start - len(batch)
                if not self.env["ir.cron"]._commit_progress(len(batch), remaining=remaining):
                    result.complete = False
                    return result
        return result

    # ------------------------------------------------------------------ orders

    def _orders_past_retention(self, account, cutoff):
        """Ids of the account's orders finished before `cutoff` whose data is still kept."""
        self.env["sale.order"].flush_model()
        self.env["stock.picking"].flush_model(["sale_id", "state", "date_done"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT sale.id
                  FROM sale_order sale
                  LEFT JOIN stock_picking picking ON picking.sale_id = sale.id
                 WHERE sale.amazon_account_id = %(account)s
                   AND sale.amazon_buyer_data_removal_date IS NULL
                 GROUP BY sale.id
                HAVING COUNT(picking.id) FILTER (WHERE picking.state NOT IN ('done', 'cancel')) = 0
                   AND CASE
                       WHEN sale.state = 'cancel' THEN GREATEST(
                           sale.amazon_last_update,
                           sale.write_date,
                           MAX(picking.date_done) FILTER (WHERE picking.state = 'done')
                       )
                       ELSE COALESCE(
                           MAX(picking.date_done) FILTER (WHERE picking.state = 'done'),
                           CASE WHEN sale.amazon_status IN ('SHIPPED', 'CANCELLED')
                                THEN sale.amazon_last_update END
                       )
                   END < %(cutoff)s
                 ORDER BY sale.id
                """,
                account=account.id,
                cutoff=cutoff,
            )
        )
        return [row[0] for row in rows]

    def _mark_orders(self, ids):
        # A direct fulfilment order's gift message is Amazon's customer's words.
        self.env["sale.order"].browse(ids).write(
            {
                "amazon_buyer_data_removal_date": fields.Datetime.now(),
                "amazon_df_gift_message": False,
            }
        )
        return len(ids)

    # ------------------------------------------------------------------ contacts

    def _partners_past_retention(self, account, cutoff):
        """Ids of the import's contacts and buyers of the account's company that no order
        keeping its buyer data uses (and, if no order ever used them, made before cutoff)."""
        self.env["sale.order"].flush_model(
            [
                "partner_id",
                "partner_invoice_id",
                "partner_shipping_id",
                "amazon_buyer_data_removal_date",
            ]
        )
        self.env["res.partner"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.id
                  FROM res_partner partner
                 WHERE partner.company_id = %(company)s
                   AND ((partner.amazon_address_key IS NOT NULL AND partner.type = 'delivery')
                        OR partner.amazon_buyer IS TRUE)
                   AND NOT EXISTS (
                       SELECT 1 FROM sale_order sale
                        WHERE sale.amazon_buyer_data_removal_date IS NULL
                          AND partner.id IN (
                              sale.partner_id, sale.partner_invoice_id, sale.partner_shipping_id
                          )
                   )
                   AND (partner.create_date < %(cutoff)s OR EXISTS (
                       SELECT 1 FROM sale_order sale
                        WHERE partner.id IN (
                            sale.partner_id, sale.partner_invoice_id, sale.partner_shipping_id
                        )
                   ))
                 ORDER BY partner.id
                """,
                company=account.company_id.id,
                cutoff=cutoff,
            )
        )
        return [row[0] for row in rows]

    def _anonymise_partners(self, ids):
        partners = self.env["res.partner"].browse(ids)
        partners.write(
            {
                **dict.fromkeys(CLEARED_PARTNER_FIELDS, False),
                "name": self.env._("Amazon buyer"),
                "amazon_address_key": False,
                "amazon_buyer": False,
            }
        )
        self._scrub_messages(partners)
        return len(ids)

    def _scrub_messages(self, partners):
        """The contacts' own chatter goes (tracked names, e-mails, addresses); where other
        records tracked a change to one of them, the anonymised name replaces the old one."""
        Message = self.env["mail.message"].sudo()
        Message.search([("model", "=", "res.partner"), ("res_id", "in", partners.ids)]).unlink()
        partner_fields = (
            self.env["ir.model.fields"]
            .sudo()
            .search([("ttype", "=", "many2one"), ("relation", "=", "res.partner")])
        )
        Tracking = self.env["mail.tracking.value"].sudo()
        for side in ("old", "new"):
            tracked = Tracking.search(
                [
                    ("field_id", "in", partner_fields.ids),
                    (f"{side}_value_integer", "in", partners.ids),
                ]
            )
            for partner_id, values in tracked.grouped(f"{side}_value_integer").items():
                name = partners.browse(partner_id).display_name
                values.write({f"{side}_value_char": name})

    # ------------------------------------------------------------------ import issues

    def _issues_past_retention(self, account, cutoff):
        """Ids of the account's issues still holding an Amazon document past the retention:
        resolved before cutoff, or open on a document Amazon last changed before it."""
        older = Domain("amazon_last_update", "<", cutoff) | (
            Domain("amazon_last_update", "=", False) & Domain("create_date", "<", cutoff)
        )
        domain = (
            Domain("account_id", "=", account.id)
            & Domain("payload", "!=", False)
            & (
                (Domain("state", "=", "resolved") & Domain("write_date", "<", cutoff))
                | (Domain("state", "=", "open") & older)
            )
        )
        return self.env["amazon.order.issue"].sudo().search(domain, order="id").ids

    def _anonymise_issues(self, ids):
        """Returns how many issues changed (an open issue already stripped stays as it is)."""
        changed = 0
        for issue in self.env["amazon.order.issue"].sudo().browse(ids):
            document = json.loads(issue.payload)
            values = personal_values(document)
            wanted = {
                # a resolved issue is never retried: its document is of no more use
                "payload": (
                    False if issue.state == "resolved" else json.dumps(without_buyer_data(document))
                ),
                "reason": mask_text(issue.reason, values),
                "detail": mask_text(issue.detail, values) or False,
            }
            update = {name: value for name, value in wanted.items() if value != issue[name]}
            if update:
                issue.write(update)
                changed += 1
        return changed
