from . import (
    account_move,
    amazon_account,
    amazon_marketplace,
    amazon_offer,
    res_config_settings,
    sale_order,
    stock_warehouse,
)
