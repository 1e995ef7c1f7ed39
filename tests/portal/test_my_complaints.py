"""My complaints: only one's own, their progress, and the resident's actions on them."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from anju.complaints import services
from anju.complaints.models import ComplaintEvent, Status
from anju.complaints.services import complaint_create
from tests.portal.photos import png


def detail_url(complaint):
    return reverse("portal:detail", args=[complaint.number])


def test_the_list_shows_only_my_complaints(resident_client, new_complaint, other_resident, world):
    mine = new_complaint(description="我家的水管漏水")
    theirs = complaint_create(actor=other_resident.user, channel="web", estate=world["a"]["estate"],
                              room=world["a"]["rooms"][1], description="别人家的投诉").complaint
    page = resident_client.get(reverse("portal:home")).content.decode()
    assert mine.number in page and "我家的水管漏水" in page
    assert theirs.number not in page and "别人家的投诉" not in page
    assert "Received" in page  # the status badge


def test_someone_elses_complaint_is_not_found(resident_client, other_resident, world):
    theirs = complaint_create(actor=other_resident.user, channel="web", estate=world["a"]["estate"],
                              room=world["a"]["rooms"][1], description="别人家的投诉").complaint
    for url in (detail_url(theirs), reverse("portal:rate", args=[theirs.number]),
                reverse("portal:withdraw", args=[theirs.number]),
                reverse("portal:submitted", args=[theirs.number])):
        response = resident_client.get(url)
        assert response.status_code == 404
        assert "别人家的投诉" not in response.content.decode()
    assert resident_client.post(reverse("portal:withdraw", args=[theirs.number])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.RECEIVED


def test_guessed_numbers_are_not_found(resident_client, new_complaint):
    complaint = new_complaint()
    for guess in ("TS000000000000", str(complaint.pk), "%27%20OR%201=1", "x" * 300):
        assert resident_client.get(f"/portal/c/{guess}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, new_complaint):
    complaint = new_complaint()
    for url in (reverse("portal:home"), detail_url(complaint), reverse("portal:new")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("portal:signin"))


def test_staff_are_sent_to_the_console(client, agent):
    client.force_login(agent)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and response.url == reverse("console:home")


def test_the_detail_shows_progress_the_plan_and_hides_internal_notes(resident_client,
                                                                     resolved_complaint):
    page = resident_client.get(detail_url(resolved_complaint)).content.decode()
    assert "明天上午工程部上门检查楼上防水" in page  # the plan, told to the resident
    assert "楼上卫生间防水层破损，已重做防水" in page  # the result
    assert "先联系楼上业主" not in page  # the handler's note when signing for it
    assert "Signed for" in page  # the step itself is shown
    assert "step-current" in page and "Rate the result" in page


def test_photos_are_shown_through_the_protected_file_url(resident_client, new_complaint):
    complaint = new_complaint(files=[png()])
    attachment = complaint.attachments.get()
    page = resident_client.get(detail_url(complaint)).content.decode()
    assert reverse("files:attachment", args=[attachment.pk]) in page
    assert resident_client.get(reverse("files:attachment", args=[attachment.pk])).status_code == 200


def test_a_resident_withdraws_a_complaint(resident_client, new_complaint):
    complaint = new_complaint()
    url = reverse("portal:withdraw", args=[complaint.number])
    assert "Do you really want to withdraw" in resident_client.get(url).content.decode()

    response = resident_client.post(url, {"reason": "已经自己修好了", "version": complaint.version})

    assert response.status_code == 302 and response.url == detail_url(complaint)
    complaint.refresh_from_db()
    assert complaint.status == Status.WITHDRAWN
    event = complaint.events.get(action="complaint.withdraw")
    assert event.note == "已经自己修好了"
    page = resident_client.get(detail_url(complaint)).content.decode()
    assert "已经自己修好了" in page and "Withdraw this complaint" not in page


def test_a_stale_version_is_a_conflict_and_changes_nothing(resident_client, new_complaint, agent):
    complaint = new_complaint()
    seen = complaint.version
    services.complaint_verify(actor=agent, complaint_id=complaint.pk)
    response = resident_client.post(reverse("portal:withdraw", args=[complaint.number]),
                                    {"reason": "不要了", "version": seen})
    assert response.status_code == 409
    assert "Someone else changed this complaint" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.status == Status.VERIFIED
    assert f'value="{complaint.version}"' in response.content.decode()  # a second try can work


def test_a_resident_adds_more_information(resident_client, new_complaint):
    complaint = new_complaint()
    url = reverse("portal:add_information", args=[complaint.number])
    response = resident_client.post(url, {"note": "今天又开始滴水了", "photos": [png()],
                                          "version": complaint.version})
    assert response.status_code == 302
    event = complaint.events.get(action="complaint.note")
    assert event.note == "今天又开始滴水了" and event.actor == complaint.resident.user
    assert complaint.attachments.count() == 1
    page = resident_client.get(detail_url(complaint)).content.decode()
    assert "今天又开始滴水了" in page and "By you" in page


def test_adding_nothing_is_a_clear_message(resident_client, new_complaint):
    complaint = new_complaint()
    response = resident_client.post(reverse("portal:add_information", args=[complaint.number]),
                                    {"note": " ", "version": complaint.version})
    assert response.status_code == 422
    assert "Please write something or add a photo" in response.content.decode()
    assert not complaint.events.filter(action="complaint.note").exists()


def test_a_satisfied_rating_closes_the_complaint(resident_client, resolved_complaint):
    url = reverse("portal:rate", args=[resolved_complaint.number])
    assert resident_client.get(url).status_code == 200
    response = resident_client.post(url, {"satisfaction": "5", "solved": "yes", "comment": "很及时",
                                          "version": resolved_complaint.version})
    assert response.status_code == 302
    resolved_complaint.refresh_from_db()
    assert resolved_complaint.status == Status.CLOSED
    assert (resolved_complaint.satisfaction, resolved_complaint.solved) == (5, True)
    page = resident_client.get(detail_url(resolved_complaint)).content.decode()
    assert "Thank you for your rating" in page and "很及时" in page


def test_a_dissatisfied_rating_reopens_the_complaint(resident_client, resolved_complaint):
    response = resident_client.post(reverse("portal:rate", args=[resolved_complaint.number]),
                                    {"satisfaction": "4", "solved": "no", "comment": "还在漏",
                                     "version": resolved_complaint.version})
    assert response.status_code == 302
    resolved_complaint.refresh_from_db()
    assert resolved_complaint.status == Status.ASSIGNED
    assert resolved_complaint.escalated and resolved_complaint.reopen_count == 1
    assert ComplaintEvent.objects.filter(complaint=resolved_complaint,
                                         action="complaint.rate_reopen").exists()
    page = resident_client.get(detail_url(resolved_complaint)).content.decode()
    assert "reopened" in page


def test_a_rating_needs_stars(resident_client, resolved_complaint):
    response = resident_client.post(reverse("portal:rate", args=[resolved_complaint.number]),
                                    {"satisfaction": "9", "version": resolved_complaint.version})
    assert response.status_code == 422
    resolved_complaint.refresh_from_db()
    assert resolved_complaint.status == Status.RESOLVED


def test_rating_is_offered_only_when_resolved(resident_client, new_complaint):
    complaint = new_complaint()
    page = resident_client.get(detail_url(complaint)).content.decode()
    assert "Rate the result" not in page
    response = resident_client.get(reverse("portal:rate", args=[complaint.number]))
    assert response.status_code == 302 and response.url == detail_url(complaint)
    response = resident_client.post(reverse("portal:rate", args=[complaint.number]),
                                    {"satisfaction": "5", "version": complaint.version})
    assert response.status_code == 409
    assert "not possible while the complaint is" in response.content.decode()


def test_bad_form_values_never_crash(resident_client, new_complaint):
    complaint = new_complaint()
    response = resident_client.post(reverse("portal:withdraw", args=[complaint.number]),
                                    {"version": "abc"})
    assert response.status_code == 422
    response = resident_client.post(reverse("portal:new"), {
        "description": "x", "occurred_at": "yesterday-ish", "category": "99999"})
    assert response.status_code == 422


def test_the_language_switch_shows_english(resident):
    browser = Client()  # no language asked for: Chinese, the default
    browser.force_login(resident.user)
    page = browser.get(reverse("portal:home")).content.decode()
    assert 'lang="zh-Hans"' in page and 'value="en"' in page

    response = browser.post("/i18n/setlang/", {"language": "en", "next": "/portal/"})
    assert response.status_code == 302 and response.url == "/portal/"

    page = browser.get(reverse("portal:home")).content.decode()
    assert 'lang="en"' in page and "My complaints" in page and "Make a new complaint" in page
    assert 'value="zh-hans"' in page

    browser.post("/i18n/setlang/", {"language": "zh-hans", "next": "/portal/"})
    assert 'lang="zh-Hans"' in browser.get(reverse("portal:home")).content.decode()


def test_the_portal_has_its_own_icon_served_locally(client):
    page = client.get("/portal/signin/").content.decode()
    assert '<link rel="icon" href="/static/portal/favicon.svg"' in page
    from django.contrib.staticfiles import finders

    assert finders.find("portal/favicon.svg")
