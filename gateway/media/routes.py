"""Uploads (`POST /api/v1/uploads`, `GET /api/v1/uploads/{id}`) and the media files themselves:
public images at stable, cacheable URLs and private files through expiring signed links."""

from __future__ import annotations

from datetime import UTC, datetime

import marshmallow as ma
from flask import Response, abort, current_app, g, request, send_file
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.wsgi import wrap_file

from services.common import clock

from .. import auth, edge
from ..api import PREFIX, Blueprint, StrictParser
from . import actions, kinds, links, urls
from .schemas import UploadRequestSchema, UploadSchema
from .storage import Missing


class MultipartParser(StrictParser):
    """Location `form` reads a multipart body's fields and files together, so one schema
    describes (and documents) the whole body; unknown fields are refused as in JSON bodies."""

    __location_map__ = {**StrictParser.__location_map__, "form": "load_multipart"}
    DEFAULT_UNKNOWN_BY_LOCATION = {**StrictParser.DEFAULT_UNKNOWN_BY_LOCATION, "form": ma.RAISE}

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.form, req.files]), schema)


class MediaBlueprint(Blueprint):
    ARGUMENTS_PARSER = MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "form": "multipart/form-data"}


blp = MediaBlueprint("uploads", __name__, url_prefix=PREFIX,
                description="Uploads: images for shops and products, attachments, documents")
files = Blueprint("media", __name__, url_prefix="/media",
                  description="Media files: public images (cacheable, ready for a CDN) and "
                              "private files through expiring signed links")

MULTIPART_OVERHEAD = 64 * 1024


def _settings():
    return current_app.config["GATEWAY"]


def _store():
    return current_app.extensions["gateway_store"]


def _storage():
    return current_app.extensions["gateway_media"]


def _largest_upload(settings) -> int:
    return max(limit for _, limit in settings.media_max_bytes) + MULTIPART_OVERHEAD


def upload_body(upload: actions.UploadInfo, user_id: str) -> dict:
    settings = _settings()
    body = {"id": upload.id, "purpose": upload.purpose, "size": upload.size,
            "content_type": upload.content_type, "width": upload.width, "height": upload.height,
            "warnings": upload.warnings}
    if upload.public:
        body["url"] = urls.public_url(settings, upload)
        body["page_url"] = urls.public_url(settings, upload, "page")
        body["thumb_url"] = urls.public_url(settings, upload, "thumb")
    else:
        body["url"], expires = urls.signed_link(settings, upload.id, user_id)
        body["expires_at"] = datetime.fromtimestamp(expires, UTC)
    return body


@blp.route("/uploads", methods=["POST"])
@edge.multipart(_largest_upload)
@blp.secured()
@blp.arguments(UploadRequestSchema, location="form")
@blp.response(201, UploadSchema, problems=[413, 415, 422])
def upload(form):
    """Upload a file (multipart, field `file`). Per purpose: product_image, logo, banner, cover
    (JPEG, PNG or WebP; verified, turned upright, EXIF removed, cut into `thumb` and `page`
    sizes; a logo is square and at least 200x200, a banner at least 1400 px wide, a product
    image under 1000 px wide gets a warning), attachment (images or PDF), document (PDF),
    digital (images, PDF, ZIP, 7z, RAR, gzip; kept byte for byte). Too large → 413 (limits per
    purpose are configured), another type → 415, a broken image → 422; nothing is stored then."""
    identity = auth.current_identity()
    file = form["file"]
    try:
        done = actions.take(_store(), _storage(), _settings(), owner_id=identity.user_id,
                            purpose=form["purpose"], stream=file.stream, filename=file.filename)
    except actions.TooLarge as exc:
        abort(413, description=str(exc))
    except actions.WrongType as exc:
        abort(415, description=str(exc))
    return upload_body(done, identity.user_id), 201


@blp.route("/uploads/<upload_id>", methods=["GET"])
@blp.secured()
@blp.response(200, UploadSchema, problems=[404])
def read_upload(upload_id):
    """An upload with a fresh URL: for its owner, a user it was granted to, or an admin (public
    images: anyone signed in). Others get 404."""
    identity = auth.current_identity()
    upload = actions.load(_store(), upload_id)
    if not actions.may_read(_store(), upload, identity.user_id, identity.roles):
        abort(404, description="No such upload.")
    return upload_body(upload, identity.user_id)


# -- the files ------------------------------------------------------------------------------------
_IMAGE_EXTS = {kind.ext: kind for kind in kinds.KINDS.values() if kind.image}


def _etag(upload_id: str, variant: str) -> str:
    return f"{upload_id}-{variant}"  # what is under an id never changes


@files.route("/<uuid:upload_id>/<variant>.<ext>", methods=["GET"])
@files.doc(responses={
    "200": {"description": "The image (immutable: cache it for as long as you like)",
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}},
                        "image/png": {"schema": {"type": "string", "format": "binary"}},
                        "image/webp": {"schema": {"type": "string", "format": "binary"}}}},
    "304": {"description": "Not modified (`If-None-Match` named this ETag)"}},
    parameters=[{"in": "header", "name": "If-None-Match", "required": False,
                 "schema": {"type": "string"}}])
@files.problems(404)
def public_file(upload_id, variant, ext):
    """A public image: `variant` is `original`, `page` (long side at most 1200 px) or `thumb`
    (400x400 square crop); `ext` is the upload's (`jpg`, `png`, `webp`). Served with a strong
    `ETag`, `Cache-Control: public, max-age=…, immutable`, and 304 on `If-None-Match`."""
    kind = _IMAGE_EXTS.get(ext)
    if variant not in urls.PUBLIC_VARIANTS or kind is None:
        abort(404, description="No such file.")
    upload_id = str(upload_id)
    etag = _etag(upload_id, variant)
    cache = f"public, max-age={_settings().media_cache_max_age_seconds}, immutable"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        key = actions.public_key(upload_id, variant, ext)
        response = _send(key, kind.content_type)
    response.set_etag(etag)
    response.headers["Cache-Control"] = cache
    return response


@files.route("/private/<uuid:upload_id>", methods=["GET"])
@files.doc(responses={
    "200": {"description": "The file, as a download",
            "content": {"application/octet-stream": {"schema": {"type": "string",
                                                                  "format": "binary"}}}}},
    parameters=[{"in": "query", "name": name, "required": True, "schema": {"type": "string"}}
                for name in ("user", "expires", "signature")])
@files.problems(403, 404)
def private_file(upload_id):
    """A private file through a signed link (as `url` in an upload, a message's attachments):
    it names the user it was issued to and expires; an expired or altered link → 403. A bearer
    token sent along must be that user's."""
    upload_id = str(upload_id)
    args = request.args
    user_id = args.get("user", "")
    ok = links.valid(links.signing_key(_settings()), upload_id, user_id,
                     args.get("expires", ""), args.get("signature", ""),
                     clock.now().timestamp())
    identity = g.get("identity")
    if not ok or (identity is not None and identity.user_id != user_id):
        abort(403, description="This link is expired, altered, or not yours.")
    upload = actions.load(_store(), upload_id)
    original = upload.variants["original"]
    response = _send(original["key"], upload.content_type)
    name = upload.filename or f"{upload.id}.{upload.ext}"
    disposition = "inline" if kinds.KINDS[upload.kind].image or upload.kind == "pdf" \
        else "attachment"
    response.headers.set("Content-Disposition", disposition, filename=name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _send(key: str, content_type: str) -> Response:
    storage = _storage()
    path = storage.local_path(key)
    if path is not None:
        return send_file(path, mimetype=content_type, conditional=False, etag=False,
                         max_age=None)
    try:
        handle, size = storage.open(key)
    except Missing:
        abort(404, description="No such file.")
    response = Response(wrap_file(request.environ, handle), mimetype=content_type,
                        direct_passthrough=True)
    response.content_length = size
    return response
