"""The API contract of issue 3 §7 is served as OpenAPI (SPEC E3)."""

from __future__ import annotations

from tests.integration.conftest import Api

CONTRACT = {
    "/api/v1/auth/token": {"post"},
    "/api/v1/contacts": {"get", "post"},
    "/api/v1/contacts/{contact_id}": {"get"},
    "/api/v1/products": {"get", "post"},
    "/api/v1/document-types": {"get"},
    "/api/v1/document-types/{code}": {"get", "patch"},
    "/api/v1/documents": {"get", "post"},
    "/api/v1/documents/{document_id}": {"get", "patch"},
    "/api/v1/documents/{document_id}/submit": {"post"},
    "/api/v1/documents/{document_id}/cancel": {"post"},
    "/api/v1/documents/{document_id}/confirm": {"post"},
    "/api/v1/documents/{document_id}/history": {"get"},
    "/api/v1/documents/{document_id}/followers": {"get", "post"},
    "/api/v1/documents/{document_id}/followers/{contact_id}": {"delete"},
    "/api/v1/documents/{document_id}/thread": {"post"},
    "/api/v1/tasks": {"get"},
    "/api/v1/tasks/{task_id}/claim": {"post"},
    "/api/v1/tasks/{task_id}/unclaim": {"post"},
    "/api/v1/tasks/{task_id}/complete": {"post"},
    "/api/v1/payments": {"post"},
    "/api/v1/process-instances": {"get"},
    "/api/v1/process-instances/{instance_id}": {"get"},
    "/api/v1/process-instances/{instance_id}/retry": {"post"},
    "/api/v1/processes": {"get"},
    "/api/v1/processes/{process_id}/versions": {"get", "post"},
    "/api/v1/roles": {"get", "post"},  # issue 12 §2
    "/api/v1/users": {"get", "post"},
    "/api/v1/users/{username}": {"patch"},
}


def test_openapi_document_describes_the_contract(api: Api) -> None:
    response = api.client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    missing = {
        (path, method)
        for path, methods in CONTRACT.items()
        for method in methods
        if method not in spec["paths"].get(path, {})
    }
    assert not missing, sorted(missing)
    assert "bearerAuth" in str(spec["components"]["securitySchemes"])


def test_amounts_are_decimal_strings_in_the_schema(api: Api) -> None:
    spec = api.client.get("/api/openapi.json").get_json()
    totals = spec["components"]["schemas"]["TotalsOut"]["properties"]
    assert totals["total"]["type"] == "string"
