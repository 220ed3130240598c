from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


async def last_code(client: Client, mobile: str) -> str:
    response = await client.get("/api/v1/dev/sms", params={"mobile": mobile})
    assert response.status_code == 200, response.text
    messages = response.json()
    assert messages, f"no SMS for {mobile}"
    code = messages[0]["code"]
    assert isinstance(code, str)
    return code


async def sign_up(client: Client, mobile: str = "09121234567", password: str = "a-good-password") -> dict[str, Any]:
    response = await client.post(
        "/api/v1/auth/signup",
        json={"mobile": mobile, "first_name": "علی", "last_name": "رضایی", "password": password},
    )
    assert response.status_code == 202, response.text
    code = await last_code(client, mobile)
    response = await client.post("/api/v1/auth/signup/verify", json={"mobile": mobile, "code": code})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def csrf(body: dict[str, Any]) -> dict[str, str]:
    return {"x-csrftoken": body["csrf_token"]}
