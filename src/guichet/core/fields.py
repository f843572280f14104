import decimal

from django.db import models
from django.utils.functional import cached_property


class TolerantDecimalField(models.DecimalField):
    """A DecimalField that reads back any number stored in it.

    SQLite keeps a decimal column as a float without limit, and Django rounds it on reading within
    max_digits: a stored 1e30 raised decimal.InvalidOperation on every page that read the row (the admin
    page meant to repair it included). The CHECK constraints keep new rows in range; this keeps a row
    written before them, or behind their back, readable, so that staff can see and correct it.
    """

    @cached_property
    def context(self):
        # Wide enough for any finite float (about 1.8e308) to the field's decimal places.
        return decimal.Context(prec=max(self.max_digits, 320 + self.decimal_places))
