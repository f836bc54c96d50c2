"""Photo processing on its own: sniffing and HEIC container cleaning, malformed input."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from api.photos_processing import MAX_PIXELS, PhotoRejected, process, sniff
from tests.api.photo_samples import GPS_MARKER, heic_with_exif, image_with_gps


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\xff\xd8\xff\xe0rest", "jpeg"),
        (b"\x89PNG\r\n\x1a\nrest", "png"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "heic"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "heic"),
        (b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif", None),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00isomiso2", None),  # an MP4 video
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_sniff_uses_magic_numbers(data: bytes, kind: str | None) -> None:
    assert sniff(data) == kind


def test_heic_dimensions_come_from_the_primary_item() -> None:
    data, image_payload, exif_payload = heic_with_exif(3000, 4000)
    photo = process(data)
    assert (photo.kind, photo.width, photo.height) == ("heic", 3000, 4000)
    assert GPS_MARKER not in photo.data and exif_payload not in photo.data
    assert image_payload in photo.data
    assert photo.notes  # says what was done and what was not


def test_heic_above_the_pixel_limit_is_refused() -> None:
    data, _, _ = heic_with_exif(10_000, MAX_PIXELS // 10_000 + 1)
    with pytest.raises(PhotoRejected, match="pixels"):
        process(data)


def test_image_above_the_pixel_limit_is_refused_before_decoding() -> None:
    # A PNG header claiming a huge canvas: refused from the header, never decompressed.
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")
    with pytest.raises(PhotoRejected, match="pixels"):
        process(buffer.getvalue())


def test_malformed_heic_is_refused_never_crashes() -> None:
    data, _, _ = heic_with_exif()
    rng = random.Random(3)
    for cut in range(12, len(data), 7):
        _outcome(data[:cut])
    for _ in range(300):
        mutated = bytearray(data)
        for _ in range(4):
            mutated[rng.randrange(8, len(mutated))] = rng.randrange(256)
        _outcome(bytes(mutated))


def _outcome(data: bytes) -> None:
    """Either a processed photo or a PhotoRejected; any other exception fails the test."""
    try:
        process(data)
    except PhotoRejected:
        pass


def test_truncated_jpeg_is_refused() -> None:
    data = image_with_gps("JPEG", size=(200, 200))
    with pytest.raises(PhotoRejected):
        process(data[: len(data) // 3])
