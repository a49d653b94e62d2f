"""Property-based API testing: schemathesis generates requests from the OpenAPI document and checks
every response against it (status codes, content types, schemas, no server errors)."""

import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api_helpers import token_for
from tests.university_factories import review_scenario


def test_every_operation_conforms_to_the_generated_document(app, db):
    scene = review_scenario(db)
    headers = {"Authorization": f"Bearer {token_for(db, scene)}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == {
        "/api/v1/plan-lines",
        "/api/v1/dispatches",
        "/api/v1/decisions",
    }
    for operation in operations:

        @settings(
            max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        @given(case=operation.as_strategy())
        def conforms(case):
            case.headers = {**(case.headers or {}), **headers}
            response = case.call()
            assert response.status_code < 500, response.text
            case.validate_response(response)

        conforms()
