"""The OpenAPI document: loadable, complete, and documenting the error shape."""

import json

import pytest
from django.test import Client

EXPECTED = {
    ("/api/v1/complaints", "post"): "complaints_create",
    ("/api/v1/complaints", "get"): "complaints_list",
    ("/api/v1/complaints/{number}", "get"): "complaints_get",
    ("/api/v1/complaints/{number}/actions/{action}", "post"): "complaints_act",
    ("/api/v1/complaints/{number}/notes", "post"): "complaints_add_note",
    ("/api/v1/complaints/{number}/attachments", "post"): "complaints_upload",
    ("/api/v1/complaints/{number}/reveal", "post"): "complaints_reveal",
    ("/api/v1/categories", "get"): "categories_list",
    ("/api/v1/estates", "get"): "estates_list",
    ("/api/v1/departments", "get"): "departments_list",
    ("/api/v1/me", "get"): "me_get",
}


@pytest.fixture
def document(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_it_lists_every_operation_with_its_id_and_summary(document):
    assert document["openapi"].startswith("3.")
    found = {(path, method): op["operationId"]
             for path, item in document["paths"].items() for method, op in item.items()}
    assert found == EXPECTED
    for item in document["paths"].values():
        for op in item.values():
            assert op["summary"] and op["tags"]


def test_every_operation_documents_its_errors_with_the_error_schema(document):
    for path, item in document["paths"].items():
        for method, op in item.items():
            codes = set(op["responses"])
            assert "401" in codes, (path, method)
            assert codes & {"200", "201"}, (path, method)
            for code in codes - {"200", "201"}:
                schema = op["responses"][code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (path, method, code)
    assert set(document["paths"]["/api/v1/complaints"]["post"]["responses"]) == {
        "200", "201", "400", "401", "403", "422"}


def test_every_reference_resolves(document):
    schemas = document["components"]["schemas"]
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.add(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs
    for ref in refs:
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref


def test_it_declares_both_ways_to_authenticate(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_it_passes_the_openapi_validator_when_available(document):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(document)
