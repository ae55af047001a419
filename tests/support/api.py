"""A client app's view of the gateway: accounts, tokens and JSON calls over real HTTP."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import requests


@dataclass
class User:
    id: str
    email: str
    token: str
    roles: list[str]


class Api:
    def __init__(self, gateway):
        self.gateway = gateway
        self.http = requests.Session()

    def call(self, method: str, path: str, user: User | None = None, json=None,
             headers: dict | None = None, **kwargs) -> requests.Response:
        headers = dict(headers or {})
        if user is not None:
            headers["Authorization"] = f"Bearer {user.token}"
        return self.http.request(method, self.gateway.api(path), json=json, headers=headers,
                                 timeout=15, **kwargs)

    def register(self, role: str = "buyer", name: str | None = None) -> User:
        email = f"{role}-{uuid.uuid4().hex[:10]}@atelier.test"
        password = "pw-" + uuid.uuid4().hex
        created = self.call("POST", "/auth/register", json={
            "email": email, "password": password, "name": name or role.title(), "role": role})
        assert created.status_code == 201, created.text
        login = self.call("POST", "/auth/login", json={"email": email, "password": password})
        assert login.status_code == 200, login.text
        body = created.json()
        return User(body["id"], email, login.json()["access_token"], body["roles"])

    def admin(self) -> User:
        """A new administrator (`atelier admin create`, on the gateway's database), logged in."""
        from gateway.identity import create_admin

        email, password = f"admin-{uuid.uuid4().hex[:8]}@atelier.test", "admin-" + uuid.uuid4().hex
        made = create_admin(email, password, "Root",
                            database_url=self.gateway.env["GATEWAY_DATABASE_URL"])
        login = self.call("POST", "/auth/login", json={"email": email, "password": password})
        assert login.status_code == 200, login.text
        return User(made["id"], email, login.json()["access_token"], made["roles"])

    def close(self) -> None:
        self.http.close()
