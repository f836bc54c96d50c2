"""Photo bytes for the photo tests: images with GPS metadata, and a minimal HEIC container."""

from __future__ import annotations

import io
import struct

from PIL import Image

GPS_IFD = 0x8825
GPS_MARKER = b"SECRET-GPS-SPOT"


def image_with_gps(fmt: str, size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    """An image whose EXIF holds GPS coordinates, a camera model and an orientation."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x0110] = "Spy Camera 3000"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (51.0, 30.0, 12.5)  # GPSLatitude
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    buffer = io.BytesIO()
    params: dict[str, object] = {"exif": exif.tobytes()}
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", "taken at home")
        params["pnginfo"] = info
    if fmt == "JPEG":
        params["comment"] = b"taken at home"
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _full(kind: bytes, version: int, payload: bytes, flags: int = 0) -> bytes:
    return _box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def heic_with_exif(width: int = 4032, height: int = 3024) -> tuple[bytes, bytes, bytes]:
    """A minimal HEIC: ftyp, meta (hdlr, pitm, iinf, iloc, iprp) and mdat.

    Item 1 is the (fake) coded image, item 2 its Exif block. Returns the file, the image
    payload and the Exif payload, so a test can check which bytes survive.
    """
    image_payload = b"\x00\x00\x00\x10HEVC-CODED-IMAGE-DATA" * 4
    exif_payload = b"\x00\x00\x00\x06Exif\x00\x00MM\x00*" + GPS_MARKER + b"\x00" * 8
    ftyp = _box(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic")
    hdlr = _full(b"hdlr", 0, b"\x00" * 4 + b"pict" + b"\x00" * 12 + b"\x00")
    pitm = _full(b"pitm", 0, struct.pack(">H", 1))
    infe1 = _full(b"infe", 2, struct.pack(">HH", 1, 0) + b"hvc1" + b"\x00")
    infe2 = _full(b"infe", 2, struct.pack(">HH", 2, 0) + b"Exif" + b"\x00")
    iinf = _full(b"iinf", 0, struct.pack(">H", 2) + infe1 + infe2)
    ispe = _full(b"ispe", 0, struct.pack(">II", width, height))
    small = _full(b"ispe", 0, struct.pack(">II", 160, 120))  # e.g. a thumbnail's size
    ipco = _box(b"ipco", small + ispe)
    # item 1 -> property 2 (the full-size ispe); 8-bit associations (flags 0).
    ipma = _full(b"ipma", 0, struct.pack(">I", 1) + struct.pack(">HB", 1, 1) + bytes([0x02]))
    iprp = _box(b"iprp", ipco + ipma)

    def build(image_offset: int, exif_offset: int) -> bytes:
        # iloc v0: offset_size 4, length_size 4, base_offset_size 0, reserved 0.
        entries = b""
        for item_id, offset, length in (
            (1, image_offset, len(image_payload)),
            (2, exif_offset, len(exif_payload)),
        ):
            entries += struct.pack(">HHH", item_id, 0, 1) + struct.pack(">II", offset, length)
        iloc = _full(b"iloc", 0, bytes([0x44, 0x00]) + struct.pack(">H", 2) + entries)
        meta = _full(b"meta", 0, hdlr + pitm + iinf + iloc + iprp)
        return ftyp + meta

    head = build(0, 0)
    mdat_start = len(head) + 8
    head = build(mdat_start, mdat_start + len(image_payload))
    data = head + _box(b"mdat", image_payload + exif_payload)
    return data, image_payload, exif_payload
