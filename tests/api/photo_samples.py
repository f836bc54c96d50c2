"""Photo bytes for the photo tests: images (HEIC too) with GPS metadata and an orientation."""

from __future__ import annotations

import io

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


def heic_with_gps(size: tuple[int, int] = (64, 48), color: str = "red") -> bytes:
    """A real HEIC (encoded by pillow-heif) whose EXIF holds GPS, a camera model and an
    orientation that turns it 90 degrees."""
    import pillow_heif

    exif = Image.Exif()
    exif[0x0110] = "Spy Camera 3000"
    exif[0x0112] = 6
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 12.5)
    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", size, color)).save(
        buffer, exif=exif.tobytes(), quality=50
    )
    return buffer.getvalue()
