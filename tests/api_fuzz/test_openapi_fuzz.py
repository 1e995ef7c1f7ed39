"""Schemathesis against /api/v1/openapi.json: every operation, as staff and as a resident.

Cases, valid and invalid, are generated from the OpenAPI document and sent to the WSGI
application in this process, on real data: about half of the generated complaint numbers,
action codes and codes/ids in bodies are replaced by real ones (the caller's own
complaints, another resident's, another estate's), so the operations run their real code
and not only the 404 path. Two checks must hold for every response: no server error, and
the body matches the documented schema of its status code. Generation is derandomised:
every run sends the same cases. The figures are printed after the test summary.

schemathesis's own pytest wrapper for a schema from a fixture does not work with pytest 9
(it sets ``Node._nodeid``), so each operation runs as a subtest through its documented
Python API (``operation.as_strategy`` with Hypothesis).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from anju.accounts.models import ApiToken
from anju.complaints import services
from anju.complaints.models import Channel
from anju.complaints.transitions import TABLE
from tests.api_fuzz import tally

CHECKS = [not_a_server_error, response_schema_conformance]
# Per operation and caller; ANJU_FUZZ_EXAMPLES=200 for a longer hunt.
MAX_EXAMPLES = int(os.environ.get("ANJU_FUZZ_EXAMPLES", "30"))


@pytest.fixture
def real_numbers(new_complaint, other_resident, agent, agent_b, handler, departments, world):
    """Complaints in several states: the resident's own, another resident's, estate B's."""
    mine = [new_complaint() for _ in range(4)]
    services.complaint_verify(actor=agent, complaint_id=mine[1].pk)
    for c in mine[2:]:
        services.complaint_verify(actor=agent, complaint_id=c.pk)
        services.complaint_assign(actor=agent, complaint_id=c.pk, department=departments["engineering"],
                                  handler=handler, plan="上门检查")
    services.complaint_accept(actor=handler, complaint_id=mine[3].pk)
    services.complaint_resolve(actor=handler, complaint_id=mine[3].pk, result="已修复")
    theirs = new_complaint(actor=other_resident.user, room=world["a"]["rooms"][1])
    in_b = services.complaint_create(actor=agent_b, channel=Channel.PHONE, estate=world["b"]["estate"],
                                     description="电梯异响", contact_phone="13700003333").complaint
    return [c.number for c in (*mine, theirs, in_b)]


@pytest.fixture
def real_values(real_numbers, world, categories, departments, handler, agent):
    """Values of body fields that exist in the database, by field name."""
    rooms = [room for place in world.values() for room in place["rooms"]]
    return {
        "estate": ["a", "b"], "category": sorted(categories), "department": sorted(departments),
        "handler": [handler.pk, agent.pk], "room_id": [room.pk for room in rooms],
        "building_id": [place["building"].pk for place in world.values()],
        "facility_id": [place["lift"].pk for place in world.values()],
        "into_number": real_numbers, "version": [1, 2, 3, 4],
    }


@pytest.fixture
def wsgi_app():
    """The project's WSGI application, keeping the test's database connection open.

    Django closes connections at the end of each request; inside a test's transaction that
    would drop it (on PostgreSQL). Django's own test client detaches the same handlers.
    """
    handlers = (request_started, request_finished)
    for signal in handlers:
        signal.disconnect(close_old_connections)
    yield get_wsgi_application()
    for signal in handlers:
        signal.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_app, real_numbers, real_values):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)

    @schema.hook
    def flatmap_path_parameters(context, path_parameters):
        real = {}
        if "number" in (path_parameters or {}):
            real["number"] = st.sampled_from(real_numbers)
        if "action" in (path_parameters or {}):
            real["action"] = st.sampled_from(sorted(TABLE))
        if not real:
            return st.just(path_parameters)
        return st.one_of(st.just(path_parameters),
                         st.fixed_dictionaries(real).map(lambda r: {**path_parameters, **r}))

    @schema.hook
    def flatmap_body(context, body):
        if not isinstance(body, dict):
            return st.just(body)
        real = {key: st.sampled_from(real_values[key]) for key in body if key in real_values}
        if not real:
            return st.just(body)
        return st.one_of(st.just(body), st.fixed_dictionaries(real).map(lambda r: {**body, **r}))

    return schema


@pytest.fixture(params=["staff", "resident"])
def caller(request, admin_user, resident):
    """An API key of an administrator (every estate and action) or of the resident."""
    user = admin_user if request.param == "staff" else resident.user
    _token, key = ApiToken.issue(user=user, name="schemathesis")
    return request.param, {"Authorization": f"Bearer {key}"}


def test_every_operation_keeps_its_contract(api_schema, caller, subtests):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        with subtests.test(msg=f"{operation.method.upper()} {operation.path}"):
            fuzz(operation, *caller)


def fuzz(operation, caller_name, headers):
    """Valid and invalid requests for one operation; every response must pass CHECKS."""
    key = (caller_name, f"{operation.method.upper()} {operation.path}")
    cases = st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                      operation.as_strategy(GenerationMode.NEGATIVE))

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def run(case):
        tally.CASES[key] += 1
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            tally.STATUSES[response.status_code] += 1
        except BaseException:
            tally.FAILURES[key] += 1
            raise

    run()
