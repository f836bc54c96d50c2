"""Progress-photo bytes: type sniffing, metadata stripping, dimensions.

- The type comes from the bytes' magic numbers, never from the client's filename or
  Content-Type: JPEG (``FF D8 FF``), PNG (``89 'PNG' 0D 0A 1A 0A``), WebP (``'RIFF' ....
  'WEBP'``), HEIC (an ISO-BMFF ``ftyp`` box with a HEIF brand).
- JPEG, PNG and WebP are decoded with Pillow, turned upright by their EXIF orientation, and
  re-encoded with no EXIF, XMP or comments (only the ICC colour profile is kept), so GPS
  and camera data never reach storage.
- HEIC has no decoder here (Pillow needs the pillow-heif plugin, which is not a dependency),
  so it is cleaned at the container level instead: the ``Exif`` items and XMP ``mime`` items
  listed in the ``meta`` box are overwritten with zero bytes in place (offsets stay valid,
  the image data is untouched), and the dimensions come from the primary item's ``ispe``
  property. Limitation: the pixels are not decoded, so a HEIC that is corrupt beyond its
  boxes is stored as uploaded, and its orientation stays in its ``irot`` property.
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
    clean = upright.copy()
    clean.info = {}  # drops EXIF, XMP, comments and text chunks carried over from the source
    notes: list[str] = []
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
        if getattr(image, "n_frames", 1) > 1:
            notes.append("animated WebP: only the first frame is kept")
    out = io.BytesIO()
    clean.save(out, format={"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[kind], **params)
    return ProcessedPhoto(
        data=out.getvalue(), kind=kind, width=clean.width, height=clean.height, notes=notes
    )


# --- HEIC (ISO-BMFF) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Box:
    kind: bytes
    start: int  # offset of the box header
    body: int  # offset of the payload (after size/type, and after version/flags for full boxes)
    end: int


def _boxes(data: bytes, start: int, end: int) -> list[_Box]:
    boxes: list[_Box] = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise PhotoRejected("file: truncated HEIC box header")
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise PhotoRejected(f"file: malformed HEIC box {kind!r}")
        boxes.append(_Box(kind=kind, start=pos, body=pos + header, end=pos + size))
        pos += size
    return boxes


def _child(data: bytes, box: _Box, kind: bytes, *, full: bool = False) -> _Box | None:
    start = box.body + (4 if full else 0)
    for child in _boxes(data, start, box.end):
        if child.kind == kind:
            return child
    return None


def _uint(data: bytes, pos: int, size: int) -> int:
    if size == 0:
        return 0
    if pos + size > len(data):
        raise PhotoRejected("file: truncated HEIC box")
    return int.from_bytes(data[pos : pos + size], "big")


def _metadata_items(data: bytes, iinf: _Box) -> set[int]:
    """Item ids of Exif items and XMP mime items."""
    version = data[iinf.body]
    count_size = 2 if version == 0 else 4
    first = iinf.body + 4 + count_size
    found: set[int] = set()
    for infe in _boxes(data, first, iinf.end):
        if infe.kind != b"infe":
            continue
        ver = data[infe.body]
        if ver < 2:
            continue  # versions 0/1 carry no item_type (never used for Exif by encoders)
        pos = infe.body + 4
        id_size = 2 if ver == 2 else 4
        item_id = _uint(data, pos, id_size)
        pos += id_size + 2  # item_protection_index
        item_type = data[pos : pos + 4]
        pos += 4
        name_end = data.find(b"\x00", pos, infe.end)
        if item_type == b"Exif":
            found.add(item_id)
        elif item_type == b"mime" and name_end >= 0:
            ctype_end = data.find(b"\x00", name_end + 1, infe.end)
            ctype = data[name_end + 1 : ctype_end if ctype_end >= 0 else infe.end]
            if b"rdf+xml" in ctype or b"xmp" in ctype.lower():
                found.add(item_id)
    return found


def _extents(data: bytes, iloc: _Box, idat: _Box | None, wanted: set[int]) -> list[tuple[int, int]]:
    """File ranges (offset, length) holding the items in ``wanted``."""
    version = data[iloc.body]
    pos = iloc.body + 4
    offset_size, length_size = data[pos] >> 4, data[pos] & 0x0F
    base_size, index_size = data[pos + 1] >> 4, data[pos + 1] & 0x0F
    pos += 2
    count_size = 2 if version < 2 else 4
    count = _uint(data, pos, count_size)
    pos += count_size
    ranges: list[tuple[int, int]] = []
    for _ in range(count):
        id_size = 2 if version < 2 else 4
        item_id = _uint(data, pos, id_size)
        pos += id_size
        method = 0
        if version in (1, 2):
            method = _uint(data, pos, 2) & 0x0F
            pos += 2
        pos += 2  # data_reference_index
        base = _uint(data, pos, base_size)
        pos += base_size
        extent_count = _uint(data, pos, 2)
        pos += 2
        for _ in range(extent_count):
            if version in (1, 2) and index_size:
                pos += index_size
            offset = _uint(data, pos, offset_size)
            pos += offset_size
            length = _uint(data, pos, length_size)
            pos += length_size
            if item_id not in wanted:
                continue
            if method == 0:
                start = base + offset
            elif method == 1 and idat is not None:
                start = idat.body + base + offset
            else:
                raise PhotoRejected("file: HEIC metadata stored in an unsupported way")
            stop = len(data) if length == 0 else start + length
            if start > len(data) or stop > len(data):
                raise PhotoRejected("file: HEIC metadata points outside the file")
            ranges.append((start, stop))
    return ranges


def _dimensions(data: bytes, meta: _Box) -> tuple[int, int]:
    """Width and height of the primary item (its ``ispe``), else of the largest ``ispe``."""
    iprp = _child(data, meta, b"iprp", full=True)
    ipco = _child(data, iprp, b"ipco") if iprp else None
    if ipco is None:
        raise PhotoRejected("file: HEIC without image properties")
    props = _boxes(data, ipco.body, ipco.end)
    sizes = {
        index: (_uint(data, p.body + 4, 4), _uint(data, p.body + 8, 4))
        for index, p in enumerate(props, start=1)
        if p.kind == b"ispe"
    }
    if not sizes:
        raise PhotoRejected("file: HEIC without an image size (ispe)")
    pitm = _child(data, meta, b"pitm", full=True)
    ipma = _child(data, iprp, b"ipma") if iprp else None
    if pitm is not None and ipma is not None:
        primary = _uint(data, pitm.body + 4, 2 if data[pitm.body] == 0 else 4)
        version, flags = data[ipma.body], _uint(data, ipma.body + 1, 3)
        pos = ipma.body + 4
        entries = _uint(data, pos, 4)
        pos += 4
        for _ in range(entries):
            id_size = 2 if version < 1 else 4
            item_id = _uint(data, pos, id_size)
            pos += id_size
            n = data[pos]
            pos += 1
            for _ in range(n):
                if flags & 1:
                    index = _uint(data, pos, 2) & 0x7FFF
                    pos += 2
                else:
                    index = data[pos] & 0x7F
                    pos += 1
                if item_id == primary and index in sizes:
                    return sizes[index]
    return max(sizes.values(), key=lambda wh: wh[0] * wh[1])


def _process_heic(data: bytes) -> ProcessedPhoto:
    try:
        top = _boxes(data, 0, len(data))
        meta = next((box for box in top if box.kind == b"meta"), None)
        if meta is None:
            raise PhotoRejected("file: HEIC without a meta box")
        width, height = _dimensions(data, meta)
        iinf = _child(data, meta, b"iinf", full=True)
        iloc = _child(data, meta, b"iloc", full=True)
        idat = _child(data, meta, b"idat", full=True)
        wanted = _metadata_items(data, iinf) if iinf else set()
        ranges = _extents(data, iloc, idat, wanted) if iloc and wanted else []
    except (IndexError, struct.error) as exc:
        raise PhotoRejected("file: malformed HEIC container") from exc
    if width * height > MAX_PIXELS:
        raise PhotoRejected(f"file: {width}x{height} is more than {MAX_PIXELS} pixels")
    cleaned = bytearray(data)
    for start, stop in ranges:
        cleaned[start:stop] = bytes(stop - start)
    notes = ["HEIC: Exif/XMP items zeroed in place; pixels not re-encoded"] if ranges else []
    return ProcessedPhoto(data=bytes(cleaned), kind="heic", width=width, height=height, notes=notes)
