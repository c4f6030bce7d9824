from . import test_access_rights, test_amazon_account, test_amazon_marketplace, test_amazon_offer
