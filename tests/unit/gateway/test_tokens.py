import jwt
import pytest

from gateway.auth import ALGORITHM, Identity, InvalidToken, issue_token, read_token

SECRET = "s" * 40


def test_a_token_names_its_user_and_roles():
    token = issue_token("u-1", ["seller"], SECRET, ttl_seconds=60)
    assert read_token(token, SECRET) == Identity("u-1", ("seller",))


def test_an_expired_token_is_refused():
    token = issue_token("u-1", ["buyer"], SECRET, ttl_seconds=-1)
    with pytest.raises(InvalidToken):
        read_token(token, SECRET)


def test_a_tampered_token_is_refused():
    token = issue_token("u-1", ["buyer"], SECRET, ttl_seconds=60)
    header, payload, signature = token.split(".")
    forged = jwt.encode({"sub": "u-1", "roles": ["admin"], "iat": 1, "exp": 2**40,
                         "iss": "atelier-gateway"}, "other-secret-" + "y" * 32, algorithm=ALGORITHM)
    with pytest.raises(InvalidToken):
        read_token(f"{header}.{forged.split('.')[1]}.{signature}", SECRET)
    with pytest.raises(InvalidToken):
        read_token(forged, SECRET)


def test_a_token_without_an_algorithm_is_refused():
    unsigned = jwt.encode({"sub": "u", "roles": [], "iat": 1, "exp": 2**40,
                           "iss": "atelier-gateway"}, None, algorithm="none")
    with pytest.raises(InvalidToken):
        read_token(unsigned, SECRET)


def test_a_token_missing_claims_is_refused():
    token = jwt.encode({"sub": "u"}, SECRET, algorithm=ALGORITHM)
    with pytest.raises(InvalidToken):
        read_token(token, SECRET)


def test_a_token_read_before_expires_on_time(tmp_path, monkeypatch):
    clock_file = tmp_path / "clock"
    monkeypatch.setenv("ATELIER_CLOCK_FILE", str(clock_file))
    token = issue_token("u-1", ["buyer"], SECRET, ttl_seconds=60)
    assert read_token(token, SECRET) == Identity("u-1", ("buyer",))
    assert read_token(token, SECRET) == Identity("u-1", ("buyer",))  # the second read is remembered

    clock_file.write_text("61")
    with pytest.raises(InvalidToken, match="expired"):
        read_token(token, SECRET)
    with pytest.raises(InvalidToken):
        read_token(token, "another-secret-" + "z" * 30)
