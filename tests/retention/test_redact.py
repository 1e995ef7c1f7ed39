"""Masking personal data inside free text."""

from __future__ import annotations

from anju.retention.redact import redact, redact_data


def test_phone_numbers_id_numbers_and_emails_are_masked_by_their_shape():
    text = "业主138 0000 1111，座机021-62345678，+86 139-1234-5678，身份证11010119900307123X，a.b@c.cn"
    assert redact(text) == "业主***，座机***，***，身份证***，***"


def test_names_are_masked_only_when_given_and_long_enough():
    assert redact("张三说王五家漏水", ["张三", "王"]) == "***说王五家漏水"


def test_complaint_numbers_dates_and_amounts_stay():
    text = "合并到 TS202601020001，2026-01-02 维修费 1380 元，3栋1单元502"
    assert redact(text) == text


def test_json_data_keeps_its_shape():
    data = {"advice": "请联系王主任 13912345678", "satisfaction": 2, "into": ["TS202601020001"]}
    assert redact_data(data, ["王主任"]) == {"advice": "请联系*** ***", "satisfaction": 2,
                                          "into": ["TS202601020001"]}
