"""A bounded schemathesis run over every mounted route: no input may produce a 500.

Schemathesis drives the app in-process (ASGI) and starts its lifespan on its own event loop,
so the app here is a fresh instance rather than the ``app`` fixture. Each operation gets
valid (positive) and invalid (negative) requests from its OpenAPI schema; authenticated
routes get a bearer token from a registered auth provider, one new user per operation, so
a destructive route (log out everywhere, delete the account) cannot starve the others.
The per-user rate limit is lifted: a 429 is correct behaviour, but it would hide the routes
behind it. The budget (examples per operation and mode, no shrinking) keeps the run well
under a minute on a small machine; a failure names the operation and a curl command.

(The schemathesis pytest plugin, ``schemathesis.pytest.from_fixture``, does not run under
pytest 9, so the operations are driven with plain Hypothesis ``@given`` here.)
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import hypothesis
import pytest
import schemathesis
from hypothesis import strategies as st
from schemathesis import Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi

from api.app import create_app
from api.state import AppConfig

MAX_EXAMPLES = 12
PASSWORD = "schemathesis password"


@pytest.fixture
def api_schema(app_config: AppConfig) -> Iterator[schemathesis.BaseSchema]:
    """The app's OpenAPI schema, bound to a fresh app instance."""
    app_config.api.rate_limit_user_per_minute = 1_000_000
    app = create_app(app_config)
    loaded = schemathesis.openapi.from_asgi("/openapi.json", app)
    try:
        yield loaded
    finally:
        # Close the app (engine, Redis clients) before the test database goes away.
        asgi.shutdown_lifespans()


class FreshUserAuth:
    """Registers and logs in a new user; its access token is the auth."""

    def get(self, case: Case, context: schemathesis.AuthContext) -> str:
        """A bearer token of a new user."""
        credentials = {"email": f"st-{uuid.uuid4().hex[:16]}@example.com", "password": PASSWORD}
        with asgi.get_client(context.app) as client:
            registered = client.post("/v1/auth/register", json=credentials)
            assert registered.status_code == 201, registered.text
            response = client.post("/v1/auth/login", json=credentials)
            assert response.status_code == 200, response.text
            token: str = response.json()["access_token"]
        return token

    def set(self, case: Case, data: str, context: schemathesis.AuthContext) -> None:
        """Send it as a bearer token."""
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


def _per_operation(case: Case, context: schemathesis.AuthContext) -> str:
    return str(context.operation.label)


def test_no_generated_request_causes_a_server_error(api_schema: schemathesis.BaseSchema) -> None:
    api_schema.auth(cache_by_key=_per_operation)(FreshUserAuth)
    failures: list[str] = []
    operations = 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=strategy)
        def exercise(case: Case) -> None:
            case.call_and_validate(checks=[not_a_server_error])

        try:
            exercise()
        except Exception as exc:
            failures.append(f"{operation.label}: {exc}")
    assert operations > 0
    assert not failures, "\n\n".join(failures)
