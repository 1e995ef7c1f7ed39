"""suggest: the taxonomy's map, estate rules, on duty, skills, workload, turns, reach."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation

from anju.routing.models import EstateRoute
from anju.routing.services import suggest
from anju.staff.models import Role
from tests.conftest import make_staff


def test_the_taxonomy_map_picks_the_department_and_the_reason_says_why(file, handler):
    route = suggest(file("elevator"))
    assert route.department.code == "engineering"
    assert route.handler == handler
    assert route.text == "Lifts → Engineering → 王师傅: on duty, 0 open"
    with translation.override("zh-hans"):
        assert suggest(file("elevator")).text.startswith("电梯 → 工程部 → 王师傅：在岗")


def test_each_category_goes_to_its_default_department(file, categories):
    for code, department in [("sanitation", "environment"), ("parking", "order"),
                             ("fees", "customer_service"), ("service_attitude", "quality")]:
        assert suggest(file(code)).department.code == department


def test_an_estate_rule_overrides_the_map_for_that_estate_only(file, world, categories, departments,
                                                               agent_b):
    EstateRoute.objects.create(estate=world["a"]["estate"], category=categories["elevator"],
                               department=departments["order"])
    route = suggest(file("elevator"))
    assert route.department.code == "order" and "estate rule" in route.reasons
    other = file("elevator", actor=agent_b, estate=world["b"]["estate"], room=world["b"]["rooms"][0])
    assert suggest(other).department.code == "engineering"


def test_off_duty_handlers_are_passed_over(file, engineers):
    first, second = engineers("甲", "乙")
    first.staff.on_duty = False
    first.staff.save()
    assert suggest(file()).handler == second


def test_nobody_on_duty_leaves_the_handler_to_the_department(file, engineers):
    (only,) = engineers("甲")
    only.staff.on_duty = False
    only.staff.save()
    route = suggest(file())
    assert route.department.code == "engineering" and route.handler is None
    assert "nobody on duty" in route.reasons


def test_skill_in_the_category_wins_over_a_lighter_load(file, engineers, categories, give_open):
    plain, skilled = engineers("甲", "乙")
    skilled.staff.skills.add(categories["elevator"])
    give_open(skilled, 2)
    route = suggest(file("elevator"))
    assert route.handler == skilled
    assert route.text == "Lifts → Engineering → 乙: on duty, Lifts skill, 2 open"
    # The skill is the category's: for a repair, workload decides.
    assert suggest(file("repair")).handler == plain


def test_the_lightest_workload_wins(file, engineers, give_open):
    busy, light = engineers("甲", "乙")
    give_open(busy, 3)
    give_open(light, 1)
    assert suggest(file()).handler == light


def test_equals_take_turns_least_recently_assigned_first(file, engineers, give_open, agent,
                                                         departments):
    a, b, c = engineers("甲", "乙", "丙")
    now = timezone.now()
    give_open(a, 1, at=now - timedelta(hours=1))
    give_open(b, 1, at=now - timedelta(hours=3))
    give_open(c, 1, at=now - timedelta(hours=2))
    assert suggest(file()).handler == b
    # Never assigned at all comes before everyone.
    (d,) = engineers("丁")
    give_open(d, 1, at=now)
    (fresh,) = engineers("戊")
    assert suggest(file()).handler == fresh


def test_round_robin_over_successive_dispatches(file, engineers, agent, departments):
    from anju.complaints import services

    team = engineers("甲", "乙", "丙")
    chosen = []
    for i in range(6):
        c = file(description=f"电梯异响 {i}")
        route = suggest(c)
        chosen.append(route.handler)
        services.complaint_verify(actor=agent, complaint_id=c.pk)
        services.complaint_assign(actor=agent, complaint_id=c.pk, department=route.department,
                                  handler=route.handler, plan="上门",
                                  now=timezone.now() + timedelta(seconds=i))
    assert chosen[:3] == sorted(team, key=lambda u: u.pk)  # nobody assigned yet: by id
    assert chosen[3:] == chosen[:3]  # then in turn, each with one open


def test_handlers_outside_the_estate_or_department_are_not_chosen(file, world, departments,
                                                                  handler_env):
    make_staff("eng_b", Role.HANDLER, estates=[world["b"]["estate"]],
               departments=[departments["engineering"]])
    route = suggest(file("elevator"))
    assert route.handler is None and "no handler at this estate" in route.reasons


def test_confidential_complaints_go_to_the_department_only(file, handler):
    from anju.complaints import access

    c = file("elevator", confidential=True)
    route = suggest(c)
    assert route.department.code == "engineering" and route.handler is None
    assert not access.visible_complaints(handler).filter(pk=c.pk).exists()
