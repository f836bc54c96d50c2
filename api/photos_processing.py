"""Progress-photo bytes: type sniffing, metadata stripping, dimensions.

- The type comes from the bytes' magic numbers, never from the client's filename or
  Content-Type: JPEG (``FF D8 FF``), PNG (``89 'PNG' 0D 0A 1A 0A``), WebP (``'RIFF' ....
  'WEBP'``), HEIC (an ISO-BMFF ``ftyp`` box with a HEIF brand).
- JPEG, PNG and WebP are decoded with Pillow, turned upright by their EXIF orientation, and
  re-encoded with no EXIF, XMP or comments (only the ICC colour profile is kept), so GPS
  and camera data never reach storage.
- HEIC is decoded with pillow-heif (libheif), which applies the container's rotation and
  mirroring, and stored as a JPEG the same way (upright, no EXIF or XMP): encoding HEVC again
  would cost seconds of CPU per photo, and every client can show a JPEG.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image, ImageOps, UnidentifiedImageError

PhotoType = Literal["jpeg", "png", "webp", "heic"]

EXTENSIONS: dict[PhotoType, str] = {"jpeg": "jpg", "png": "png", "webp": "webp", "heic": "heic"}
CONTENT_TYPES: dict[PhotoType, str] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "heic": "image/heic",
}
#: Larger images are refused before decoding (a decompression-bomb guard; 50 megapixels is
#: far above any phone camera).
MAX_PIXELS = 50_000_000
_HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
_NOT_HEIC_BRANDS = frozenset({b"avif", b"avis"})


class PhotoRejected(Exception):
    """The upload is not an acceptable photo; ``status`` is 415 (type) or 422 (content)."""

    def __init__(self, message: str, *, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class ProcessedPhoto:
    """The bytes to store and what is known about them."""

    data: bytes
    kind: PhotoType
    width: int
    height: int
    notes: list[str] = field(default_factory=list)

    @property
    def extension(self) -> str:
        """File extension of the stored object."""
        return EXTENSIONS[self.kind]

    @property
    def content_type(self) -> str:
        """MIME type of the stored object."""
        return CONTENT_TYPES[self.kind]


def sniff(data: bytes) -> PhotoType | None:
    """The photo type by magic number, or ``None``."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and len(data) >= 16:
        size = struct.unpack(">I", data[:4])[0]
        brands = {data[8:12]} | {data[i : i + 4] for i in range(16, min(size, len(data), 256), 4)}
        if brands & _HEIF_BRANDS and not brands & _NOT_HEIC_BRANDS:
            return "heic"
    return None


def process(data: bytes) -> ProcessedPhoto:
    """Sniff, check and clean an upload; ``PhotoRejected`` when it is not acceptable."""
    kind = sniff(data)
    if kind is None:
        raise PhotoRejected("file: not a JPEG, PNG, WebP or HEIC image", status=415)
    if kind == "heic":
        return _process_heic(data)
    return _reencode(data, kind)


def _reencode(data: bytes, kind: PhotoType) -> ProcessedPhoto:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRejected(
                    f"file: {image.width}x{image.height} is more than {MAX_PIXELS} pixels"
                )
            expected = {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[kind]
            if image.format != expected:
                raise PhotoRejected(f"file: looks like {kind} but decodes as {image.format}")
            image.load()
            icc = image.info.get("icc_profile")
            upright = ImageOps.exif_transpose(image)
    except PhotoRejected:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise PhotoRejected(f"file: the {kind} image cannot be decoded ({exc})") from exc
    notes: list[str] = []
    if kind == "webp" and getattr(image, "n_frames", 1) > 1:
        notes.append("animated WebP: only the first frame is kept")
    return _encode(upright, kind, icc, notes)


def _encode(
    upright: Image.Image, kind: PhotoType, icc: bytes | None, notes: list[str]
) -> ProcessedPhoto:
    """``upright`` re-encoded as ``kind`` with no metadata but its ICC colour profile."""
    clean = upright.copy()
    clean.info = {}  # drops EXIF, XMP, comments and text chunks carried over from the source
    params: dict[str, object] = {}
    if icc:
        params["icc_profile"] = icc
    if kind == "jpeg":
        if clean.mode not in ("RGB", "L", "CMYK"):
            clean = clean.convert("RGB")
        params.update(quality=92, optimize=True)
    elif kind == "webp":
        if clean.mode not in ("RGB", "RGBA"):
            clean = clean.convert("RGBA" if "A" in clean.mode else "RGB")
        params.update(quality=90, method=4)
    out = io.BytesIO()
    clean.save(out, format={"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[kind], **params)
    return ProcessedPhoto(
        data=out.getvalue(), kind=kind, width=clean.width, height=clean.height, notes=notes
    )


# --- HEIC -----------------------------------------------------------------------------------


def _process_heic(data: bytes) -> ProcessedPhoto:
    """Decode with pillow-heif (libheif), turn upright, store as a clean JPEG."""
    import pillow_heif

    try:
        heif = pillow_heif.open_heif(data, convert_hdr_to_8bit=True)
        width, height = heif.size
        if width * height > MAX_PIXELS:
            raise PhotoRejected(f"file: {width}x{height} is more than {MAX_PIXELS} pixels")
        image = heif.to_pillow()
        image.load()
        icc = image.info.get("icc_profile")
        # libheif applies the container's rotation and mirroring; an EXIF orientation left
        # on top (some encoders write both) is applied here, then the EXIF goes.
        upright = ImageOps.exif_transpose(image)
    except PhotoRejected:
        raise
    except (ValueError, RuntimeError, OSError, EOFError, SyntaxError, IndexError) as exc:
        raise PhotoRejected(f"file: the heic image cannot be decoded ({exc})") from exc
    return _encode(upright, "jpeg", icc, ["HEIC converted to JPEG"])
