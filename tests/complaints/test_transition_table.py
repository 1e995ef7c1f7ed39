"""The transition table is each action's one description: services, API fields and console
forms are derived from it, and these tests fail when the parts drift apart."""

from __future__ import annotations

import inspect

import pytest
from django.core.exceptions import ImproperlyConfigured

from anju.complaints import services, transitions
from anju.complaints.transitions import TABLE, Console, Kind, performs


def test_every_action_has_a_service_and_every_service_an_action():
    registered = transitions.services()
    assert set(registered) == set(TABLE), (
        "actions without a service (@performs in anju/complaints/services.py): "
        f"{sorted(set(TABLE) - set(registered))}")
    for action, function in registered.items():
        assert getattr(services, function.__name__) is function, action


def test_a_service_for_no_action_or_a_second_service_is_refused_at_import():
    with pytest.raises(ImproperlyConfigured, match="teleport"):
        performs("teleport")
    with pytest.raises(ImproperlyConfigured):
        performs()
    with pytest.raises(ImproperlyConfigured, match="verify"):
        performs("verify")(lambda **kwargs: None)
    assert transitions.service("verify") is services.complaint_verify


def _parameters(action):
    function = transitions.service(action)
    if action in ("assign", "reassign"):  # complaint_assign(**kwargs) → _dispatch
        function = services._dispatch
    return inspect.signature(function).parameters


@pytest.mark.parametrize("action", list(TABLE))
def test_the_inputs_are_what_the_service_takes(action):
    transition = TABLE[action]
    parameters = _parameters(action)
    keywords = [spec.keyword for spec in transition.inputs]
    assert len(keywords) == len(set(keywords)), keywords
    for keyword in keywords:
        assert keyword in parameters, f"{action}: the service takes no {keyword!r}"
    given = {*keywords, "actor", "complaint_id", "version", "now", "action"}
    if transition.records_source:
        given.add("source")
        assert "source" in parameters
    needed = {name for name, p in parameters.items()
              if p.default is inspect.Parameter.empty and p.kind == p.KEYWORD_ONLY}
    assert needed <= given, f"{action}: the service needs {sorted(needed - given)}"


@pytest.mark.parametrize("action", list(TABLE))
def test_each_input_is_described_for_its_kind(action):
    for spec in TABLE[action].inputs:
        if spec.kind in transitions.TEXTS:
            assert spec.max_length, (action, spec.name)
        if spec.kind == Kind.CHOICE:
            assert spec.choices is not None, (action, spec.name)
        if spec.kind == Kind.INT:
            assert spec.min_value is not None and spec.max_value is not None
        if spec.or_files:
            partner = TABLE[action].input(spec.or_files)
            assert partner is not None and partner.kind == Kind.FILES
        assert spec.label, (action, spec.name)


def test_the_console_has_a_form_for_each_action_it_takes_on_the_complaint_page():
    from anju.console.action_forms import ACTION_FORMS

    on_forms = {a for a, t in TABLE.items() if t.console == Console.FORM}
    assert set(ACTION_FORMS) == on_forms
    assert set(TABLE) - on_forms == {"rate", "rate_reopen", "close_unreachable"}
    for action, form in ACTION_FORMS.items():
        fields = [name for name in form.base_fields if name != "version"]
        assert fields == [spec.name for spec in TABLE[action].inputs], action
        for spec in TABLE[action].inputs:
            field = form.base_fields[spec.name]
            assert field.required == spec.required, (action, spec.name)
            assert str(field.label) == str(spec.label), (action, spec.name)
            if spec.max_length:
                assert getattr(field, "max_length", None) == spec.max_length, (action, spec.name)


def test_the_api_takes_each_action_s_inputs_but_files():
    from anju.api.actions import FIELDS
    from anju.api.schemas import ActionIn

    for action, transition in TABLE.items():
        assert FIELDS[action] == tuple(s.name for s in transition.inputs if s.kind != Kind.FILES)
    names = {s.name for t in TABLE.values() for s in t.inputs if s.kind != Kind.FILES}
    assert set(ActionIn.model_fields) == names | {"version"}
