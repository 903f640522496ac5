"""Photos people upload (meter dials, faults): only real JPEG, PNG or WebP images (HEIC when
pillow-heif is installed), capped in bytes and pixels, re-encoded to JPEG without EXIF (it may
hold the location). Shared by the feature apps; each passes its own limits."""

import io
import warnings

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ["JPEG", "PNG", "WEBP"]
try:  # optional: phones send HEIC
    from pillow_heif import register_heif_opener

    register_heif_opener()
    FORMATS.append("HEIF")
except ImportError:  # pragma: no cover - depends on the installation
    pass

LONGEST_SIDE = 2560  # enough to read a dial or see a crack; keeps stored files small
ACCEPT = "image/jpeg,image/png,image/webp,image/heic"  # the file input's hint, not a check


class PhotoRejected(ValueError):
    pass


def clean_photo(uploaded, *, max_bytes: int, max_pixels: int) -> ContentFile:
    """The uploaded file re-encoded as a plain JPEG, or PhotoRejected with a message."""
    if uploaded.size > max_bytes:
        raise PhotoRejected(
            _("The photo is too large: at most %(mb)d MB.") % {"mb": max_bytes // 2**20}
        )
    not_an_image = _("The file is not a JPEG, PNG or HEIC photo.")
    uploaded.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded, formats=FORMATS) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise PhotoRejected(
                        _("The photo has too many pixels: at most %(mp)d megapixels.")
                        % {"mp": max_pixels // 1_000_000}
                    )
                image.load()
                clean = ImageOps.exif_transpose(image).convert("RGB")
    except PhotoRejected:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ) as error:
        raise PhotoRejected(not_an_image) from error
    clean.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    # A fresh image: no EXIF, XMP, ICC or comments are carried over.
    bare = Image.new("RGB", clean.size)
    bare.paste(clean)
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")
