from . import amazon_order_reference_mixin
from . import amazon_marketplace
from . import amazon_account
from . import amazon_offer
from . import sale_order
from . import account_move
from . import stock_warehouse
from . import res_config_settings
