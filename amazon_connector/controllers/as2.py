"""Where Amazon's AS2 server posts its messages for a vendor EDI account."""

from odoo import http
from odoo.http import request


class AmazonAs2Controller(http.Controller):
    @http.route(
        "/amazon_connector/as2/<int:account_id>",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def receive(self, account_id):
        """Accept a signed AS2 message of the account's Amazon partner, answer its MDN.
        Nothing of the message is read before its signature is verified."""
        account = request.env["amazon.account"].sudo().browse(account_id).exists()
        if not account:
            return request.make_response(b"", status=404)
        headers = dict(request.httprequest.headers)
        body = request.httprequest.get_data()
        status, mdn_headers, mdn_body = (
            request.env["amazon.edi.exchange"].sudo()._receive(account, headers, body)
        )
        return request.make_response(mdn_body, headers=list(mdn_headers.items()), status=status)
