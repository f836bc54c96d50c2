"""Building the object storage of the app from its settings."""

from __future__ import annotations

import hashlib
import hmac

from api.state import AppConfig
from persistence.storage import ObjectStorage, create_storage

#: Where local-storage download URLs point (served by ``api.routers.photos``).
FILES_PATH = "/v1/photos/files"


def url_signing_key(secret: str) -> bytes:
    """A key for download-URL signatures, derived from the app secret.

    Derived (HMAC with a fixed label) rather than reused, so a URL signature can never be
    mistaken for, or help forge, a JWT signature.
    """
    return hmac.new(secret.encode(), b"sleek-coach/download-url/v1", hashlib.sha256).digest()


def build_storage(config: AppConfig, secret: str) -> ObjectStorage:
    """S3 when ``PHOTO_BUCKET`` is set, else files in ``<data dir>/objects``."""
    return create_storage(
        data_dir=config.database.coach_data_dir,
        signing_key=url_signing_key(secret),
        url_base=config.api.public_base_url.rstrip("/") + FILES_PATH,
        bucket=config.api.photo_bucket,
        region=config.api.s3_region,
        endpoint_url=config.api.s3_endpoint_url,
    )
