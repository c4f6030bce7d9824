from . import controllers
from . import models
from .amazon_sp.log_masking import mask_loggers

# After the models are imported: their module loggers exist and get the filter too. The
# tests' own records (failures comparing e-mails...) stay readable: their data is made up.
mask_loggers(__name__, unmasked=[f"{__name__}.tests"])
