"""Photos people upload (meter dials, faults, messages): only real JPEG, PNG or WebP images (HEIC
when pillow-heif is installed), capped in bytes and pixels, re-encoded to JPEG without EXIF (it
may hold the location). Shared by the feature apps; each passes its own limits.

Decoding is what costs: a 38 KB PNG may claim 40 megapixels and take seconds and half a gigabyte
to decode. So the header alone decides first (pixels, and bytes per pixel: a real photo of that
size is never that small; for a PNG only its pixel data, IDAT, counts, not text chunks padded
on), big JPEGs are decoded at a reduced scale, and a truncated file is
refused even where another library (WeasyPrint) told Pillow to accept truncated images.

Checking and decoding are two steps. A form's is_valid() only checks headers (check_photo, and
check_request_pixels for all photos of one request) and keeps CheckedPhoto values; the view
decodes them (PhotoForm.decode_photos) only once the rest of the form is valid and the sender
is within their rate limit, so neither a mistyped form nor a flood pays for decoding."""

import io
import threading
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from django import forms
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

FORMATS = ["JPEG", "PNG", "WEBP"]
try:  # optional: phones send HEIC
    from pillow_heif import register_heif_opener

    register_heif_opener()
    FORMATS.append("HEIF")
except ImportError:  # pragma: no cover - depends on the installation
    pass

LONGEST_SIDE = 2560  # enough to read a dial or see a crack; keeps stored files small
ACCEPT = "image/jpeg,image/png,image/webp,image/heic"  # the file input's hint, not a check
# 16 Mpx (a 12 Mpx phone photo with room to spare) decodes in well under a second here.
DEFAULT_MAX_PIXELS = 16_000_000
# Above this size a file must carry at least MIN_BYTES_PER_PIXEL: photos of a flat white wall
# compress to ~0.02 bytes a pixel, a decompression bomb to ~0.001.
CHECKED_FROM_PIXELS = 4_000_000
MIN_BYTES_PER_PIXEL = 0.004
# All photos of one request together: five 12 Mpx phone photos (the most a fault report takes)
# fit, five at the 16 Mpx cap do not; one photo at the highest cap a setting allows does.
REQUEST_MAX_PIXELS = 4 * DEFAULT_MAX_PIXELS

# LOAD_TRUNCATED_IMAGES is one switch for the whole process; WeasyPrint turns it on when it is
# imported. Our checks turn it off while they decode, one at a time.
_truncation_lock = threading.Lock()


class PhotoRejected(ValueError):
    pass


_T = TypeVar("_T")


def _decode(image: Image.Image) -> None:
    with _truncation_lock:
        lenient = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _image_bytes(uploaded: File, image_format: str | None) -> int:
    """The bytes that hold a PNG's pixels (its IDAT chunks), read from the chunk headers alone:
    text or other chunks padded onto a flat image must not pass for detail. The file's size for
    other formats."""
    if image_format != "PNG":
        return uploaded.size
    position = uploaded.tell()
    uploaded.seek(8)  # the signature
    total = 0
    while True:
        header = uploaded.read(8)
        if len(header) < 8:
            break
        length = int.from_bytes(header[:4], "big")
        if header[4:] == b"IDAT":
            total += length
        uploaded.seek(length + 4, io.SEEK_CUR)  # the data and its CRC
    uploaded.seek(position)
    return total


@dataclass(frozen=True)
class CheckedPhoto:
    """An upload whose header passed the checks; nothing of it decoded yet."""

    upload: File
    pixels: int

    def decode(self) -> ContentFile:
        return reencode(self.upload)

    def __str__(self) -> str:
        return getattr(self.upload, "name", "") or ""


def _open(uploaded: File) -> ImageFile.ImageFile:
    uploaded.seek(0)
    return Image.open(uploaded, formats=FORMATS)


def _guarded(step: Callable[[], _T]) -> _T:
    """Run `step`, with every sign of a bad or hostile file turned into PhotoRejected."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return step()
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
        raise PhotoRejected(_("The file is not a JPEG, PNG or HEIC photo.")) from error


def check_photo(uploaded: File, *, max_bytes: int, max_pixels: int) -> CheckedPhoto:
    """The upload with its pixel count, judged from its size and header alone (nothing is
    decoded), or PhotoRejected with a message."""
    max_pixels = min(max_pixels, DEFAULT_MAX_PIXELS * 4)  # a setting cannot undo the guard
    if uploaded.size > max_bytes:
        raise PhotoRejected(
            _("The photo is too large: at most %(mb)d MB.") % {"mb": max_bytes // 2**20}
        )

    def header() -> CheckedPhoto:
        with _open(uploaded) as image:
            width, height = image.size
            pixels = width * height
            if pixels > max_pixels:
                raise PhotoRejected(
                    _("The photo has too many pixels: at most %(mp)d megapixels.")
                    % {"mp": max_pixels // 1_000_000}
                )
            if pixels > CHECKED_FROM_PIXELS and (
                _image_bytes(uploaded, image.format) < pixels * MIN_BYTES_PER_PIXEL
            ):
                raise PhotoRejected(_("The file is not a JPEG, PNG or HEIC photo."))
            return CheckedPhoto(uploaded, pixels)

    return _guarded(header)


def check_request_pixels(photos: Iterable[CheckedPhoto]) -> None:
    """PhotoRejected when the photos of one request together exceed REQUEST_MAX_PIXELS."""
    if sum(photo.pixels for photo in photos) > REQUEST_MAX_PIXELS:
        raise PhotoRejected(
            _(
                "Together the photos have too many pixels: at most %(mp)d megapixels at once. "
                "Send fewer or smaller photos."
            )
            % {"mp": REQUEST_MAX_PIXELS // 1_000_000}
        )


def reencode(uploaded: File) -> ContentFile:
    """Decode a checked upload and re-encode it as a plain JPEG, or PhotoRejected."""

    def decode() -> Image.Image:
        with _open(uploaded) as image:
            if image.format == "JPEG":
                image.draft("RGB", (LONGEST_SIDE, LONGEST_SIDE))  # decode at 1/2, 1/4 …
            _decode(image)
            return ImageOps.exif_transpose(image).convert("RGB")

    clean = _guarded(decode)
    clean.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    # A fresh image: no EXIF, XMP, ICC or comments are carried over.
    bare = Image.new("RGB", clean.size)
    bare.paste(clean)
    out = io.BytesIO()
    bare.save(out, "JPEG", quality=85, optimize=True)
    return ContentFile(out.getvalue(), name="photo.jpg")


def clean_photo(uploaded: File, *, max_bytes: int, max_pixels: int) -> ContentFile:
    """The uploaded file checked and re-encoded as a plain JPEG, or PhotoRejected."""
    return check_photo(uploaded, max_bytes=max_bytes, max_pixels=max_pixels).decode()


class PhotoForm(forms.Form):
    """A form mixin for photo fields that clean to CheckedPhoto (or a list of them), named in
    `photo_fields`. decode_photos() replaces them with re-encoded ContentFiles; on a bad file
    it puts the refusal next to its field and returns False."""

    photo_fields: tuple[str, ...] = ()

    def photo_refusal(self, photo: CheckedPhoto, error: PhotoRejected) -> str:
        return str(error)

    def decode_photos(self) -> bool:
        for name in self.photo_fields:
            value = self.cleaned_data.get(name)
            photos = value if isinstance(value, list) else [value] if value else []
            decoded = []
            for photo in photos:
                try:
                    decoded.append(photo.decode())
                except PhotoRejected as error:
                    self.add_error(name, self.photo_refusal(photo, error))
                    return False
            if isinstance(value, list):
                self.cleaned_data[name] = decoded
            elif decoded:
                self.cleaned_data[name] = decoded[0]
        return True
