"""Buyer data and secrets never reach a log handler (amazon_sp.log_masking, no Odoo)."""

import json
import logging
import uuid

import pytest

from amazon_sp import log_masking
from amazon_sp.documents.orders import parse_address
from amazon_sp.log_masking import mask_loggers, mask_text, masking, masking_personal_data
from amazon_sp.personal_data import personal_values, without_buyer_data

ORDER = {
    "orderId": "111-0000001-0000001",
    "salesChannel": {"marketplaceId": "ATVPDKIKX0DER", "marketplaceName": "Amazon.com"},
    "buyer": {"buyerName": "Jane Doe", "buyerEmail": "jane.doe@marketplace.amazon.com"},
    "recipient": {
        "deliveryAddress": {
            "name": "Jane Doe",
            "addressLine1": "100 Pine Street",
            "addressLine2": "Apt 4",
            "city": "Seattle",
            "stateOrRegion": "WA",
            "postalCode": "98101",
            "countryCode": "US",
            "phone": "+1 206 555 0100",
            "addressType": "RESIDENTIAL",
        },
        "deliveryPreference": {"addressInstruction": "Leave it with Mrs Smith next door"},
    },
    "tax": {"taxRegistrations": [{"legalName": "Doe Consulting", "taxRegistrationNumber": "X1"}]},
    "orderItems": [
        {
            "orderItemId": "1",
            "product": {"sellerSku": "MUG-1", "title": "Mug"},
            "fulfillment": {"packing": {"giftOption": {"giftMessage": "Happy birthday Bob"}}},
        }
    ],
}
PERSONAL = (
    "Jane Doe",
    "jane.doe@marketplace.amazon.com",
    "100 Pine Street",
    "Seattle",
    "98101",
    "555 0100",
    "Mrs Smith",
    "Doe Consulting",
    "Happy birthday Bob",
)


@pytest.fixture
def logger():
    """A fresh logger tree with masking, removed afterwards."""
    name = f"masking_test_{uuid.uuid4().hex[:8]}"
    top = logging.getLogger(name)
    top.setLevel(logging.DEBUG)
    mask_loggers(name)
    yield top
    top.handlers.clear()
    top.filters.clear()


def logged(caplog):
    return "\n".join(
        [caplog.text, *(str(record.__dict__) for record in caplog.records)]  # every attribute
    )


def assert_no_personal_data(text):
    for value in PERSONAL:
        assert value.lower() not in text.lower(), value


def test_document_values_are_masked_in_json_dict_and_dataclass_reprs(logger, caplog):
    with caplog.at_level(logging.DEBUG):
        logger.info("Amazon answered %s", json.dumps(ORDER))
        logger.info("Amazon answered %r", ORDER)
        logger.info("Parsed address %r", parse_address(ORDER["recipient"]))
    text = logged(caplog)
    assert_no_personal_data(text)
    for kept in ("111-0000001-0000001", "Amazon.com", "MUG-1", '"countryCode": "US"'):
        assert kept in text
    assert "'buyerName': '***'" in text
    assert "street='***'" in text


def test_emails_tokens_and_secrets_are_masked(logger, caplog):
    with caplog.at_level(logging.DEBUG):
        logger.warning("mail from %s", "someone.else@example.org")
        logger.debug("headers %s", {"x-amz-access-token": "Atza|IwEBIabc-def_123"})
        logger.debug("body grant_type=refresh_token&refresh_token=Atzr|IwEBIxyz&client_id=a")
        logger.debug("body client_secret=amzn1.oa2-cs.v1.0123abcd&client_id=a")
        logger.debug("token %s, secret %s", "Atzr|IwEBIbare", "amzn1.oa2-cs.v1.4567ef")
        logger.debug('{"client_secret": "my-own-secret", "Authorization": "Bearer abc.def"}')
        logger.debug("Authorization: Bearer abc.def")
    text = logged(caplog)
    for secret in (
        "someone.else@example.org",
        "IwEBIabc",
        "IwEBIxyz",
        "0123abcd",
        "my-own-secret",
        "abc.def",
        "IwEBIbare",
        "4567ef",
    ):
        assert secret not in text
    assert "***@***" in text
    assert "Atzr|***" in text
    assert "amzn1.oa2-cs.v1.***" in text
    assert "client_id=a" in text  # only the secret goes


def test_known_values_are_masked_in_free_text_while_masking(logger, caplog):
    with caplog.at_level(logging.DEBUG):
        with masking(personal_values(ORDER)):
            logger.warning("order failed: bad jane doe at 100 PINE STREET, Seattle")
        logger.warning("later: Seattle")
    first, later = (record.getMessage() for record in caplog.records)
    assert first == "order failed: bad *** at ***, ***"
    assert later == "later: Seattle"


def test_exception_texts_are_masked_and_detached(logger, caplog):
    @masking_personal_data
    def import_orders(documents):
        try:
            raise ValueError(f"bad {documents[0]['buyer']['buyerName']}")
        except ValueError:
            logger.exception("Amazon order %s not imported", documents[0]["orderId"])

    with caplog.at_level(logging.DEBUG):
        import_orders([ORDER])
    (record,) = caplog.records
    assert record.exc_info is None
    assert "ValueError: bad ***" in record.exc_text
    assert "ValueError: bad ***" in caplog.text
    assert_no_personal_data(logged(caplog))


def test_loggers_made_later_and_loggers_with_their_own_handler(logger, caplog):
    later = logging.getLogger(f"{logger.name}.made.later")  # after mask_loggers
    with caplog.at_level(logging.DEBUG):
        later.info("buyer %s", "jane.doe@marketplace.amazon.com")
    assert caplog.records[-1].getMessage() == "buyer ***@***"

    existing = logging.getLogger(f"{logger.name}.child")
    mask_loggers(logger.name)
    captured = []
    own = logging.Handler()
    own.emit = captured.append
    existing.addHandler(own)
    existing.propagate = False  # its records never pass the top logger's handler
    existing.info('{"buyerName": "Jane Doe"}')
    assert captured[0].getMessage() == '{"buyerName": "***"}'


def test_unmasked_loggers_keep_their_records(caplog):
    name = f"masking_test_{uuid.uuid4().hex[:8]}"
    existing_test_logger = logging.getLogger(f"{name}.tests.existing")
    mask_loggers(name, unmasked=[f"{name}.tests"])
    with caplog.at_level(logging.DEBUG):
        logging.getLogger(f"{name}.models").warning("mail %s", "jane@example.com")
        logging.getLogger(f"{name}.tests.later").warning("mail %s", "jane@example.com")
        existing_test_logger.warning("mail %s", "jane@example.com")
    masked, *unmasked = (record.getMessage() for record in caplog.records)
    assert masked == "mail ***@***"
    assert unmasked == ["mail jane@example.com"] * 2
    logging.getLogger(name).handlers.clear()


def test_mask_loggers_twice_adds_nothing(logger):
    child = logging.getLogger(f"{logger.name}.module")
    mask_loggers(logger.name)
    mask_loggers(logger.name)
    assert sum(isinstance(h, log_masking.MaskingHandler) for h in logger.handlers) == 1
    assert sum(isinstance(f, log_masking.BuyerDataFilter) for f in child.filters) == 1


def test_arguments_that_do_not_fit_the_format_are_masked_too(logger, caplog):
    with caplog.at_level(logging.DEBUG):
        logger.info("one %s two %s", "jane.doe@marketplace.amazon.com")  # noqa: PLE1206
    assert "jane.doe" not in logged(caplog)


def test_the_client_and_its_library_are_masked():
    client = logging.getLogger("amazon_sp.client")
    assert any(isinstance(f, log_masking.BuyerDataFilter) for f in client.filters)
    library = logging.getLogger("sp_api")
    assert any(isinstance(h, log_masking.MaskingHandler) for h in library.handlers)


def test_mask_text_leaves_ordinary_text_alone():
    text = "Amazon account 3: 2 created, 0 updated (order 111-0000001-0000001, SKU MUG-1)"
    assert mask_text(text) == text


def test_an_order_without_buyer_data_keeps_what_a_retry_and_taxes_need():
    stripped = without_buyer_data(ORDER)
    text = json.dumps(stripped)
    for value in PERSONAL:
        if value != "98101":  # the postal code stays, as taxes need it
            assert value not in text, value
    assert stripped["recipient"] == {
        "deliveryAddress": {
            "countryCode": "US",
            "stateOrRegion": "WA",
            "postalCode": "98101",
            "addressType": "RESIDENTIAL",
        }
    }
    assert "buyer" not in stripped
    assert stripped["orderItems"][0]["product"] == ORDER["orderItems"][0]["product"]
    assert ORDER["buyer"]["buyerName"] == "Jane Doe"  # the original is untouched
    assert without_buyer_data(stripped) == stripped
