import logging

import pytest

from gateway.api import Blueprint
from gateway.services import call

from .conftest import register, remote, token_for


@pytest.fixture
def probe(app):
    """A route that calls a (fake) service, for the error mapping."""
    blp = Blueprint("probe", __name__, url_prefix="/api/v1/probe")

    @blp.route("/<name>")
    def probe_view(name):
        return {"answer": call("probe", name)}

    app.register_blueprint(blp)
    return app.test_client()


@pytest.mark.parametrize(("error", "status"), [
    (remote("NotFound", "no such order", "not_found", {}), 404),
    (remote("Forbidden", "not your order", "forbidden", {}), 403),
    (remote("Conflict", "already paid", "already_paid", {}), 409),
])
def test_service_errors_map_to_their_status(probe, fake_services, error, status):
    fake_services.answers[("probe", "x")] = error
    response = probe.get("/api/v1/probe/x")
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["detail"] == error.exc_args[0]
    assert response.get_json()["code"] == error.exc_args[1]


def test_invalid_maps_to_422_with_field_errors(probe, fake_services):
    fake_services.answers[("probe", "x")] = remote(
        "Invalid", "bad input", "invalid", {"quantity": ["Must be positive."]})
    response = probe.get("/api/v1/probe/x")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"quantity": ["Must be positive."]}


def test_an_unavailable_service_is_503_with_retry_after(probe):
    response = probe.get("/api/v1/probe/x")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"


def test_an_unknown_service_error_is_500_logged_with_the_request_id(probe, fake_services, caplog):
    fake_services.answers[("probe", "x")] = remote("KeyError", "'boom'")
    logging.getLogger("gateway").propagate = True
    try:
        with caplog.at_level(logging.ERROR, logger="gateway"):
            response = probe.get("/api/v1/probe/x", headers={"X-Request-ID": "req-123"})
    finally:
        logging.getLogger("gateway").propagate = False
    assert response.status_code == 500
    assert response.get_json()["request_id"] == "req-123"
    assert any(getattr(r, "request_id", None) == "req-123" for r in caplog.records)


def test_every_response_carries_a_request_id(client):
    assert client.get("/health", headers={"X-Request-ID": "abc-1"}).headers["X-Request-ID"] == "abc-1"
    generated = client.get("/health").headers["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/nowhere").headers["X-Request-ID"]


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"data": "{not json", "content_type": "application/json"}, 400),
    ({"data": "email=a", "content_type": "application/x-www-form-urlencoded"}, 415),
    ({"data": "x" * (1024 * 1024 + 1), "content_type": "application/json"}, 413),
    ({"json": {"email": "a@b.co", "password": 12345678, "name": "A", "role": "buyer"}}, 422),
    ({"json": ["a list"]}, 422),
])
def test_bad_bodies_are_problems_and_write_nothing(client, app, kwargs, status):
    response = client.post("/api/v1/auth/register", **kwargs)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert set(response.get_json()) >= {"type", "title", "status", "detail", "errors"}
    with app.extensions["gateway_store"].engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 0


def test_role_is_checked_before_the_body(app, client):
    import marshmallow as ma

    blp = Blueprint("sellers_only", __name__, url_prefix="/api/v1/sellers-only")

    class Body(ma.Schema):
        price = ma.fields.Integer(required=True)

    @blp.route("", methods=["POST"])
    @blp.secured("seller")
    @blp.arguments(Body)
    def create(data):
        return data

    app.register_blueprint(blp)
    register(client)
    headers = token_for(client)
    for kwargs in ({"data": "{broken", "content_type": "application/json"},
                   {"data": "x" * (2 * 1024 * 1024), "content_type": "text/plain"},
                   {"json": {"unknown": 1}}):
        assert client.post("/api/v1/sellers-only", headers=headers, **kwargs).status_code == 403
    assert client.post("/api/v1/sellers-only", json={"price": 1}).status_code == 401


def test_missing_and_garbage_tokens_are_401(client):
    assert client.get("/api/v1/me").status_code == 401
    garbage = client.get("/api/v1/me", headers={"Authorization": "Bearer abc.def.ghi"})
    assert garbage.status_code == 401
    assert garbage.headers["WWW-Authenticate"] == "Bearer"


def test_readiness_names_what_is_down(client, fake_services):
    fake_services.answers[("catalog", "health")] = {"service": "catalog", "status": "ok"}
    response = client.get("/ready")
    assert response.status_code == 503
    services = response.get_json()["services"]
    assert services["catalog"] == "ok" and services["orders"] == "down"


def test_the_openapi_document_uses_full_paths(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/auth/register" in spec["paths"]
    assert all(path.startswith(("/api/v1/", "/media/")) or path in {"/health", "/ready", "/metrics"}
               for path in spec["paths"])
    problem = spec["components"]["responses"]["CONFLICT"]["content"]
    assert list(problem) == ["application/problem+json"]
    assert client.get("/api/v1/docs").status_code == 200


def test_text_with_a_nul_character_is_refused_before_it_reaches_a_database(client):
    body = client.post("/api/v1/auth/login", json={"email": "a\u0000@b.co", "password": "x"})
    query = client.get("/api/v1/openapi.json?x=%00")

    assert body.status_code == 422 and body.json["errors"] == {
        "email": ["Text may not contain NUL characters."]}
    assert query.status_code == 422 and "x" in query.json["errors"]
