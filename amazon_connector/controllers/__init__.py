from . import as2
