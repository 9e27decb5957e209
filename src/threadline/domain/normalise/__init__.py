"""The one place identifiers and names are normalised.

Every stage (import, text extraction, entity resolution, detection and the
synthetic generator's truth keys) calls these functions, so that a mark, a
number, a postcode or a name written two ways meets itself. All functions are
pure and cheap; see docs/normalisation.md for the rules and the reasons.
"""

from threadline.domain.normalise.common import NotNormalisedError
from threadline.domain.normalise.emails import normalise_email
from threadline.domain.normalise.names import NameParts, name_key, parse_name
from threadline.domain.normalise.phones import (
    DRAMA_PREFIXES,
    format_phone,
    is_drama_number,
    is_plausible_phone_token,
    normalise_phone,
)
from threadline.domain.normalise.places import normalise_text_key
from threadline.domain.normalise.postcodes import (
    normalise_partial_postcode,
    normalise_postcode,
    postcode_outward,
    postcode_sector,
)
from threadline.domain.normalise.vehicles import (
    FREE_TEXT_STOPWORDS,
    VrmFormat,
    format_vrm,
    is_plausible_vrm_token,
    normalise_vrm,
    vrm_confusable_key,
    vrm_format,
)

__all__ = [
    "DRAMA_PREFIXES",
    "FREE_TEXT_STOPWORDS",
    "NameParts",
    "NotNormalisedError",
    "VrmFormat",
    "format_phone",
    "format_vrm",
    "is_drama_number",
    "is_plausible_phone_token",
    "is_plausible_vrm_token",
    "name_key",
    "normalise_email",
    "normalise_partial_postcode",
    "normalise_phone",
    "normalise_postcode",
    "normalise_text_key",
    "normalise_vrm",
    "parse_name",
    "postcode_outward",
    "postcode_sector",
    "vrm_confusable_key",
    "vrm_format",
]
