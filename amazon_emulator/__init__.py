"""A local emulator of Amazon's Selling Partner API (and its Login with Amazon token endpoint).

It speaks Amazon's wire format, checked against Amazon's own API models; see `AmazonEmulator`.
"""

from .clock import ManualClock
from .contract import ContractValidator, find_models_dir, load_contract_validator
from .df_orders import make_df_order
from .orders import make_order
from .server import AmazonEmulator, RecordedRequest
from .vendor_orders import make_purchase_order

__all__ = [
    "AmazonEmulator",
    "ContractValidator",
    "ManualClock",
    "RecordedRequest",
    "find_models_dir",
    "load_contract_validator",
    "make_df_order",
    "make_order",
    "make_purchase_order",
]
