"""What enters and leaves the media routes."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from flask_smorest.fields import Upload
from marshmallow import fields, validate

from . import urls
from .kinds import DEFAULT_PURPOSE, PURPOSES


class UploadRequestSchema(ma.Schema):
    purpose = fields.String(
        load_default=DEFAULT_PURPOSE, validate=validate.OneOf(PURPOSES),
        metadata={"description": "What the file is for: product_image, logo, banner and cover "
                                 "are public images; attachment (default), document and "
                                 "digital are private files reached through signed links."})

    file = Upload(required=True, metadata={
        "description": "The file. Its type is read from its content (JPEG, PNG, WebP, PDF, "
                       "ZIP, 7z, RAR, gzip), never from its name or Content-Type."})


class UploadSchema(ma.Schema):
    id = fields.String(required=True)
    purpose = fields.String(required=True)
    url = fields.String(required=True, metadata={
        "description": "Public images: the stable URL of the original. Private files: a signed "
                       "link issued to the caller, valid until `expires_at`."})
    size = fields.Integer(required=True, metadata={"description": "Bytes of the stored original"})
    content_type = fields.String(required=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    thumb_url = fields.String(metadata={"description": "Public images: a 400x400 square crop"})
    page_url = fields.String(metadata={"description": "Public images: long side at most 1200 px"})
    expires_at = fields.DateTime(metadata={"description": "Private files: when `url` expires"})
    warnings = fields.List(fields.String(), required=True)


class MediaUrl(fields.String):
    """A public image's URL as services keep it, a path under the media base, shown whole
    (`MEDIA_PUBLIC_BASE_URL`, else this host); an older external link is shown as it is."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            value = urls.absolute(current_app.config["GATEWAY"], value)
        return super()._serialize(value, attr, obj, **kwargs)


class ImageSchema(ma.Schema):
    """A shop-front image: a product's, a collection's cover."""

    id = fields.String(required=True, allow_none=True, metadata={
        "description": "The upload (null only for a link kept from before uploads existed)"})
    url = MediaUrl(required=True, metadata={"description": "The original (re-encoded)"})
    page_url = MediaUrl(required=True, metadata={"description": "Long side at most 1200 px, "
                                                                "for the product page"})
    thumb_url = MediaUrl(required=True, metadata={"description": "A 400x400 square crop, for "
                                                                 "grids"})
    width = fields.Integer(required=True, allow_none=True)
    height = fields.Integer(required=True, allow_none=True)
