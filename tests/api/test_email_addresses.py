"""Email addresses are checked and normalised by email-validator (IDNA 2008)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from api.schemas.auth import normalize_email_address

PASSWORD = "correct horse battery"


def test_idna_2008_keeps_sharp_s_and_reads_its_ascii_spelling_as_the_same_domain() -> None:
    assert normalize_email_address(" Anna@Faß.de ") == "anna@faß.de"
    # IDNA 2003 mapped ß to "ss", a different domain; xn--fa-hia is faß.de's ASCII form.
    assert normalize_email_address("anna@xn--fa-hia.de") == "anna@faß.de"
    assert normalize_email_address("anna@fass.de") == "anna@fass.de"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("no-at-sign.example.com", "@"),
        ("a..b@example.com", "period"),
        ("someone@localhost", "period"),
        ("someone@example..com", "period"),
    ],
)
def test_invalid_addresses_are_refused_with_the_reason(address: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        normalize_email_address(address)


async def test_register_with_an_idn_keeps_it_and_its_ascii_form_is_taken(
    client: httpx.AsyncClient,
) -> None:
    local = f"idn-{uuid.uuid4().hex[:8]}"
    created = await client.post(
        "/v1/auth/register", json={"email": f"{local}@Faß.de", "password": PASSWORD}
    )
    assert created.status_code == 201, created.text
    assert created.json()["email"] == f"{local}@faß.de"
    again = await client.post(
        "/v1/auth/register", json={"email": f"{local}@xn--fa-hia.de", "password": PASSWORD}
    )
    assert again.status_code == 409


async def test_register_with_an_invalid_address_names_the_field(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/auth/register", json={"email": "a..b@example.com", "password": PASSWORD}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "body.email"
    assert "period" in body["errors"][0]["message"]
