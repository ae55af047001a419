"""What enters and leaves the media routes."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload
from marshmallow import fields, validate

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
