"""Rules that hold whatever the model says: danger words, and keyword rules from the admin."""

from __future__ import annotations

import pytest

from anju.complaints.models import ComplaintEvent
from anju.triage.api import classify_text
from anju.triage.models import KeywordRule
from anju.triage.rules import danger_matches

DANGER = [
    ("燃气泄漏了，快来人", "danger.gas"),
    ("厨房里一股煤气味，是不是漏了", "danger.gas"),
    ("楼道里闻到好浓的天然气", "danger.gas"),
    ("三楼有户人家着火了", "danger.fire"),
    ("配电房在冒烟！", "danger.fire"),
    ("电梯困人，里面有个老人", "danger.trapped"),
    ("我家孩子被关在电梯里了", "danger.trapped"),
    ("电梯卡住了，人出不来", "danger.trapped"),
    ("楼道的铁门漏电，邻居被电了一下", "danger.shock"),
    ("小孩摸路灯杆触电了", "danger.shock"),
    ("地下车库淹水了", "danger.flood"),
    ("水管爆了，家里水漫金山", "danger.flood"),
    ("我在小区里被狗咬了", "danger.bite"),
    ("楼上掉下来花盆，差点砸到人", "danger.falling"),
    ("ＦＩＲＥ！着火啦！！", "danger.fire"),  # full-width forms are normalised first
    ("厨房里有股臭鸡蛋味", "danger.gas"),  # the odorant, not the word gas
    ("电悌关人了！！2单元", "danger.trapped"),  # the usual typo
    ("电梯停了，我妈还在里面", "danger.trapped"),  # someone inside, in a text about a lift
    ("对门那人拿着菜刀说要砍人", "danger.violence"),
    ("有个老人在单元门口晕倒了", "danger.injury"),
]


@pytest.mark.parametrize(("text", "rule"), DANGER)
def test_danger_words_always_make_a_text_urgent(db, text, rule):
    assert rule in {f.rule for f in danger_matches(text)}
    result = classify_text(text)
    assert result.urgency == "urgent"
    assert rule in {r["rule"] for r in result.rules}


@pytest.mark.parametrize("text", ["消防通道被堵，存在火灾隐患", "楼下饭店油烟太大", "物业费太贵了",
                                  "被蚊子叮得睡不着，绿化带该打药了", "热水器老是打不着火",
                                  "水压太大了，担心爆管", "来电人反映楼道灯不亮"])
def test_ordinary_complaints_trip_no_danger_rule(text):
    assert danger_matches(text) == []


# A danger word in a clause that fears, asks about, recalls or denies it is no danger now.
NOT_NOW = [
    "上个月困人的事 到现在没给说法",  # recalled
    "6栋整栋停电，电梯停运，无人被困，请尽快来电工",  # denied
    "广场舞天天吵 气得我冒烟",  # a figure of speech
    "想问问消防演练啥时候搞",  # asked about
    "我们楼电梯老是抖 会不会哪天把人困里面啊",  # feared
    "建议在电梯里贴一张被困时的自救指南",
]


@pytest.mark.parametrize("text", NOT_NOW)
def test_danger_words_that_are_not_happening_now_do_not_count(text):
    assert danger_matches(text) == []


def test_a_danger_happening_now_counts_beside_a_recalled_one():
    fired = danger_matches("上次困人没人管 现在又困人了 快来")
    assert [f.rule for f in fired] == ["danger.trapped"]


def test_an_admin_rule_sets_the_category_and_urgency_and_is_reported(db, categories):
    KeywordRule.objects.create(name="充电桩起火风险", pattern="充电桩|充电枪", category=categories["parking"],
                               urgency="high", priority=5)
    result = classify_text("小区的充电枪坏了好几天")
    assert result.category == "parking" and result.urgency == "high" and result.confidence == 1.0
    assert result.rules == [{"rule": f"keyword.{KeywordRule.objects.get().pk} 充电桩起火风险",
                             "match": "充电枪", "category": "parking", "urgency": "high"}]


def test_a_danger_word_beats_a_keyword_rule_on_urgency(db, categories):
    KeywordRule.objects.create(name="建议", pattern="建议", urgency="low")
    assert classify_text("建议检查一下，楼道里一股煤气味").urgency == "urgent"


def test_higher_priority_wins_and_inactive_rules_do_nothing(db, categories):
    KeywordRule.objects.create(name="low", pattern="垃圾", category=categories["sanitation"], priority=1)
    KeywordRule.objects.create(name="high", pattern="装修垃圾", category=categories["renovation"], priority=9)
    KeywordRule.objects.create(name="off", pattern="垃圾", category=categories["fees"], priority=99,
                               active=False)
    result = classify_text("楼道里堆了好多装修垃圾")
    assert result.category == "renovation"
    assert [r["rule"].split(" ", 1)[1] for r in result.rules] == ["high", "low"]


def test_a_rule_added_in_the_admin_takes_effect_without_a_restart(client, admin_user, categories):
    text = "小区喷泉的水泵坏了"
    before = classify_text(text)  # fills the rule cache
    assert not any(r["rule"].startswith("keyword.") for r in before.rules)
    client.force_login(admin_user)
    response = client.post("/admin/triage/keywordrule/add/", {
        "name": "喷泉", "pattern": "喷泉", "category": categories["public_facility"].pk,
        "urgency": "", "priority": 0, "active": "on"})
    assert response.status_code == 302, response.content.decode()[:2000]
    after = classify_text(text)
    assert after.category == "public_facility"
    assert after.rules[0]["match"] == "喷泉"


def test_the_admin_refuses_a_broken_pattern_and_a_rule_that_sets_nothing(client, admin_user, categories):
    client.force_login(admin_user)
    broken = client.post("/admin/triage/keywordrule/add/", {
        "name": "x", "pattern": "漏水(", "category": categories["repair"].pk, "priority": 0})
    empty = client.post("/admin/triage/keywordrule/add/", {"name": "y", "pattern": "漏水", "priority": 0})
    assert broken.status_code == 200 and empty.status_code == 200
    assert not KeywordRule.objects.exists()


def test_intake_makes_a_complaint_with_a_danger_word_urgent_and_says_why(new_complaint):
    complaint = new_complaint(description="楼道里好大的煤气味，邻居家可能燃气泄漏了", urgency="normal")
    assert complaint.urgency == "urgent"
    received = ComplaintEvent.objects.get(complaint=complaint, action="complaint.received")
    assert received.data["triage_rules"][0]["rule"] == "danger.gas"


def test_intake_keeps_the_chosen_urgency_without_danger_words(new_complaint):
    complaint = new_complaint(description="楼道灯坏了", urgency="high")
    assert complaint.urgency == "high"
    received = ComplaintEvent.objects.get(complaint=complaint, action="complaint.received")
    assert "triage_rules" not in received.data


def test_an_admin_urgency_rule_applies_at_intake_too(new_complaint):
    KeywordRule.objects.create(name="电动车进电梯", pattern="电动车.{0,4}电梯|电瓶车.{0,4}电梯",
                               urgency="high")
    complaint = new_complaint(description="有人推电瓶车进电梯", urgency="normal")
    assert complaint.urgency == "high"
