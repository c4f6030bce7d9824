from . import test_amazon_marketplace
from . import test_access_rights
from . import test_amazon_account
from . import test_amazon_offer
from . import test_order_import
from . import test_shipment_confirmation
from . import test_offer_export
from . import test_order_money
