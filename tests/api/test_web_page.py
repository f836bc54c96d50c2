"""The web app's files as the server serves them: the page's policy, its assets, its limits.

What the page does in a browser is tested in ``tests/browser``.
"""

from __future__ import annotations

import re

import httpx

from api.web import PAGE_CSP, STATIC_DIR


async def test_page_at_root_has_a_policy_allowing_only_its_own_origin(
    client: httpx.AsyncClient,
) -> None:
    got = await client.get("/")

    assert got.status_code == 200
    assert got.headers["content-type"].startswith("text/html")
    csp = got.headers["content-security-policy"]
    assert csp == PAGE_CSP
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    for name in ("script-src", "style-src", "connect-src"):
        assert directives[name] == "'self'", name
    assert directives["frame-ancestors"] == "'none'"
    assert got.headers["x-content-type-options"] == "nosniff"


async def test_every_asset_the_page_names_is_served_from_the_origin(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/")).text
    scripts = {p.name for p in STATIC_DIR.glob("*.js")}
    imported = set()
    for path in STATIC_DIR.glob("*.js"):
        imported |= set(re.findall(r'from "\./([\w-]+\.js)"', path.read_text()))

    referenced = re.findall(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"', page)

    assert referenced and all(ref.startswith("/web/") for ref in referenced), referenced
    assert imported <= scripts
    for ref in [*referenced, *(f"/web/{name}" for name in scripts)]:
        got = await client.get(ref)
        assert got.status_code == 200, ref
    got = await client.get("/web/app.js")
    javascript = ("text/javascript", "application/javascript")
    assert got.headers["content-type"].split(";")[0] in javascript


async def test_no_asset_reaches_outside_the_origin(client: httpx.AsyncClient) -> None:
    offsite = re.compile(r"""(?:https?:)?//[^"'`\s)]+""")
    for path in STATIC_DIR.iterdir():
        text = path.read_text()
        # Only the XML namespace and the referral links (opened by the user) name a host.
        found = {
            url
            for url in offsite.findall(text)
            if url not in ("http://www.w3.org/2000/svg", "https://${site}")
        }
        assert found == set(), (path.name, found)


async def test_unknown_api_path_is_still_a_problem_json_404(client: httpx.AsyncClient) -> None:
    for path in ("/v1/no-such-thing", "/web/no-such-file.js"):
        got = await client.get(path)

        assert got.status_code == 404, path
    api = await client.get("/v1/no-such-thing")
    assert api.headers["content-type"].startswith("application/problem+json")


async def test_page_route_is_not_in_the_openapi_schema(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()

    assert "/" not in schema["paths"]
    assert "/v1/me/progress" in schema["paths"]
