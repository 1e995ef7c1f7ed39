"""A complaint full of personal data, walked to closed four years ago, and a recent one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from anju.complaints import services
from anju.complaints.models import Channel
from anju.notify.models import Message
from tests.attachments_security.pictures import gps_jpeg

NOW = timezone.now()
FOUR_YEARS_AGO = NOW - timedelta(days=4 * 365)
# Personal data that must be gone afterwards; the resident fixture is 张三 13800001111.
SECRETS = ("张三", "13800001111", "zhang.san@example.cn", "翠湖苑北门保安亭旁", "邻居王五",
           "13912345678", "110101199003071234", "还是漏水", "leak.jpg")


def walk(*, resident, agent, handler, departments, categories, estate, room, start):
    """Intake → dissatisfied rating → resolved again → satisfied: every kind of record."""
    at = iter(start + timedelta(hours=h) for h in range(1, 100))
    complaint = services.complaint_create(
        actor=resident.user, channel=Channel.WEB, estate=estate, room=room,
        category=categories["repair"], title="张三家卫生间漏水",
        description="卫生间天花板漏水。我是张三，电话13800001111，邮箱 zhang.san@example.cn",
        contact_name="张三", contact_phone="13800001111", contact_email="zhang.san@example.cn",
        address="翠湖苑北门保安亭旁", people_involved="邻居王五", latitude="31.234567",
        longitude="121.456789", files=[gps_jpeg()], now=start).complaint
    pk = complaint.pk
    services.complaint_add_note(actor=resident.user, complaint_id=pk, files=[gps_jpeg("more.jpg")],
                                note="楼上邻居王五电话13912345678", now=next(at))
    services.complaint_verify(actor=agent, complaint_id=pk, now=next(at))
    services.complaint_assign(actor=agent, complaint_id=pk, department=departments["engineering"],
                              handler=handler, plan="联系楼上业主，身份证110101199003071234已核实",
                              now=next(at))
    services.complaint_accept(actor=handler, complaint_id=pk, now=next(at))
    services.complaint_hold(actor=handler, complaint_id=pk, reason="等张三在家", now=next(at))
    services.complaint_resume(actor=handler, complaint_id=pk, now=next(at))
    services.complaint_resolve(actor=handler, complaint_id=pk, result="已修好，张三确认",
                               now=next(at))
    services.complaint_rate(actor=resident.user, complaint_id=pk, satisfaction=2, solved=False,
                            comment="还是漏水，打13800001111", now=next(at))
    services.complaint_accept(actor=handler, complaint_id=pk, now=next(at))
    services.complaint_resolve(actor=handler, complaint_id=pk, result="重做防水", now=next(at))
    services.complaint_rate(actor=resident.user, complaint_id=pk, satisfaction=5, solved=True,
                            comment="谢谢师傅，张三", now=next(at))
    Message.objects.filter(complaint_id=pk).update(state=Message.State.SENT, sent_at=start)
    complaint.refresh_from_db()
    return complaint


@pytest.fixture
def story(resident, agent, handler, departments, categories, world):
    def make(start=FOUR_YEARS_AGO):
        return walk(resident=resident, agent=agent, handler=handler, departments=departments,
                    categories=categories, estate=world["a"]["estate"],
                    room=world["a"]["rooms"][0], start=start)

    return make
