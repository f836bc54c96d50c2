"""Photo processing on its own: sniffing, HEIC decoding, malformed input."""

from __future__ import annotations

import io
import random

import pytest
from PIL import Image

from api import photos_processing
from api.photos_processing import PhotoRejected, process, sniff
from tests.api.photo_samples import heic_with_gps, image_with_gps


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


def test_heic_is_stored_upright_as_jpeg_without_exif() -> None:
    photo = process(heic_with_gps((64, 48)))
    assert (photo.kind, photo.width, photo.height) == ("jpeg", 48, 64)  # orientation 6 applied
    stored = Image.open(io.BytesIO(photo.data))
    assert stored.format == "JPEG" and stored.size == (48, 64)
    assert not stored.getexif() and b"Spy Camera" not in photo.data
    assert stored.getpixel((24, 32))[0] > 200  # still the red picture
    assert photo.notes == ["HEIC converted to JPEG"]


def test_heic_above_the_pixel_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(photos_processing, "MAX_PIXELS", 64 * 48 - 1)
    with pytest.raises(PhotoRejected, match="pixels"):
        process(heic_with_gps((64, 48)))


def test_image_above_the_pixel_limit_is_refused_before_decoding() -> None:
    # A PNG header claiming a huge canvas: refused from the header, never decompressed.
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG")
    with pytest.raises(PhotoRejected, match="pixels"):
        process(buffer.getvalue())


def test_malformed_heic_is_refused_never_crashes() -> None:
    data = heic_with_gps()
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
