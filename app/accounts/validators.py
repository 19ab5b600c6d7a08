"""Format checks shared by the forms and the API schemas."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from stdnum import exceptions as stdnum_errors
from stdnum.fi import ytunnus

from app.core.districts import DISTRICTS


def normalize_business_id(value: str | None) -> str | None:
    """A Finnish Y-tunnus in the form NNNNNNN-C with its check digit verified, or None if empty.

    Raises ``ValueError`` with a translatable message on a wrong format or check digit.
    """
    if value is None or not value.strip():
        return None
    try:
        return ytunnus.format(ytunnus.validate(value.strip()))
    except stdnum_errors.InvalidChecksum:
        raise ValueError(_l("The check digit of the business ID (Y-tunnus) is wrong.")) from None
    except stdnum_errors.ValidationError:
        raise ValueError(_l("Enter a business ID (Y-tunnus) in the form 1234567-8.")) from None


def check_district(value: str | None) -> str | None:
    """A district key from ``DISTRICTS`` or None."""
    if not value:
        return None
    if value not in DISTRICTS:
        raise ValueError(_l("Choose a district from the list."))
    return value
