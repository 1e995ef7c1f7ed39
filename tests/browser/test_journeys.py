"""The two main journeys in a real browser: a resident on a phone, staff on a tablet.

Every page is read in English (the language cookie), so the assertions do not depend on
the Chinese catalogue; complaint numbers, URLs and the database carry the rest. The live
server shares the test database, so data made by fixtures and services is what the
browser sees, and what the browser does is checked in the database afterwards.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import Page, expect

from anju.complaints.models import Attachment, Channel, Complaint, Status
from anju.notify.models import Message

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed rows; serialized_rollback brings back the seeded
    # taxonomy (departments, categories) that flushing between tests would remove.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "anju-test-pass-1"
# Six digits not inside a longer number; \b does not work next to Chinese characters.
SIX_DIGITS = re.compile(r"(?<!\d)(\d{6})(?!\d)")
NUMBER = re.compile(r"^TS\d{12,}$")
LEAK = "卫生间天花板漏水，已经滴了两天了"


# ----------------------------------------------------------------------------- helpers

def in_english(page: Page, base: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": base}])


def photo(path) -> str:
    Image.new("RGB", (64, 48), (30, 120, 200)).save(path, format="PNG")
    return str(path)


def latest_code(phone: str) -> str:
    """The code of the newest sign-in SMS to ``phone`` in the outbox."""
    # Recipients are encrypted at rest: compared in Python, not in the query.
    message = next((m for m in Message.objects.filter(kind="otp").order_by("-created_at", "-pk")
                    if m.recipient == phone), None)
    assert message is not None, "no sign-in code was put in the outbox"
    found = SIX_DIGITS.search(message.body)
    assert found, message.body
    return found.group(1)


def portal_sign_in(page: Page, base: str, phone: str, shoot) -> None:
    page.goto(f"{base}/portal/")
    expect(page).to_have_url(re.compile(r"/portal/signin/\?next="))
    page.get_by_label("Mobile phone number").fill(phone)
    shoot(page, "phone-number")
    page.get_by_role("button", name="Send me a code").click()
    expect(page).to_have_url(f"{base}/portal/signin/code/")
    page.get_by_label("Code from the SMS").fill(latest_code(phone))
    shoot(page, "code")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base}/portal/")


def console_sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/console/")
    expect(page).to_have_url(re.compile(r"/console/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(f"{base}/console/")


def console_sign_out(page: Page, base: str) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{base}/console/login/")


def action(page: Page, code: str):
    """The form of one offered action on the console's complaint page."""
    return page.locator(f"details#act-{code}")


def events(complaint: Complaint) -> list[str]:
    return list(complaint.events.values_list("action", flat=True))


def status_of(complaint: Complaint) -> str:
    complaint.refresh_from_db()
    return complaint.status


# ----------------------------------------------------------------------------- journeys

def test_a_resident_on_a_phone_signs_in_reports_a_leak_with_a_photo_and_follows_it(
        live_server, phone_page, resident, categories, tmp_path, screenshots):
    page, base = phone_page, live_server.url
    in_english(page, base)

    portal_sign_in(page, base, resident.phone, screenshots)
    expect(page.get_by_text("You have not made any complaints yet.")).to_be_visible()
    screenshots(page, "empty-list")

    page.get_by_role("link", name="Make a new complaint").click()
    expect(page).to_have_url(f"{base}/portal/new/")
    page.get_by_role("radio", name=categories["repair"].name_en, exact=True).check()
    page.get_by_label("What happened?").fill(LEAK)
    page.locator("input[name=photos]").set_input_files(photo(tmp_path / "leak.png"))
    expect(page.get_by_text("1 photo chosen")).to_be_visible()
    screenshots(page, "new-complaint")
    page.get_by_role("button", name="Submit complaint").click()

    expect(page).to_have_url(re.compile(r"/portal/c/TS\d+/submitted/$"))
    number = page.locator(".big-number").inner_text().strip()
    assert NUMBER.match(number), number
    expect(page.get_by_role("heading", name="Your complaint has been submitted")).to_be_visible()
    screenshots(page, "submitted")

    page.get_by_role("link", name="Back to my complaints").click()
    expect(page).to_have_url(f"{base}/portal/")
    listed = page.get_by_role("link", name=re.compile(number))
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Received")
    screenshots(page, "my-complaints")

    listed.click()
    expect(page).to_have_url(f"{base}/portal/c/{number}/")
    expect(page.locator(".status-card .number")).to_have_text(number)
    expect(page.locator(".description")).to_have_text(LEAK)
    picture = page.get_by_role("img", name="Photo 1")
    picture.scroll_into_view_if_needed()
    # The photo is served to its owner: the browser decoded a real image.
    expect(picture).to_have_js_property("complete", True)
    assert picture.evaluate("img => img.naturalWidth") == 64
    screenshots(page, "detail")

    complaint = Complaint.objects.get(number=number)
    assert complaint.channel == Channel.WEB
    assert complaint.resident == resident
    assert complaint.status == Status.RECEIVED
    assert complaint.category == categories["repair"]
    assert complaint.description == LEAK
    attachment = complaint.attachments.get()
    assert (attachment.kind, attachment.content_type) == (Attachment.Kind.INTAKE, "image/png")
    assert events(complaint) == ["complaint.received"]


def test_staff_on_a_tablet_verify_dispatch_sign_for_and_resolve_and_the_resident_closes_it(
        live_server, tablet_page, phone_page, new_complaint, other_resident, world, agent, handler,
        departments, categories, tmp_path, screenshots):
    complaint = new_complaint(category=categories["repair"])
    # A second complaint in the same inbox, so finding the first one takes the search.
    decoy = new_complaint(actor=other_resident.user, room=world["a"]["rooms"][1],
                          description="楼道灯坏了")
    page, base = tablet_page, live_server.url
    in_english(page, base)

    # The agent finds it, verifies it and dispatches it to engineering and the handler.
    console_sign_in(page, base, "agent")
    expect(page.get_by_role("link", name=decoy.number)).to_be_visible()
    page.get_by_role("searchbox", name="Search").fill(complaint.number)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]q={complaint.number}(&|$)"))
    expect(page.get_by_text("1 complaint", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=decoy.number)).to_have_count(0)
    screenshots(page, "agent-search")
    page.get_by_role("link", name=complaint.number, exact=True).click()
    detail = f"{base}/console/c/{complaint.number}/"
    expect(page).to_have_url(detail)
    screenshots(page, "agent-complaint")

    action(page, "verify").get_by_role("button", name="Verify: within scope").click()
    expect(page.get_by_text("Done: Verify: within scope.")).to_be_visible()
    assert status_of(complaint) == Status.VERIFIED

    dispatch = action(page, "assign")
    engineering = departments["engineering"]
    dispatch.get_by_role("combobox", name="Department", exact=True).select_option(str(engineering.pk))
    dispatch.get_by_role("combobox", name="Handler", exact=True).select_option(str(handler.pk))
    dispatch.get_by_label("Handling plan").fill("明天上午工程部上门检查楼上防水")
    screenshots(page, "agent-dispatch")
    dispatch.get_by_role("button", name="Dispatch").click()
    expect(page.get_by_text("Done: Dispatch.")).to_be_visible()
    assert status_of(complaint) == Status.ASSIGNED
    assert (complaint.department, complaint.handler) == (engineering, handler)
    assert complaint.plan == "明天上午工程部上门检查楼上防水"
    console_sign_out(page, base)

    # The handler finds it among their tasks, signs for it and resolves it with a photo.
    console_sign_in(page, base, "handler")
    expect(page.get_by_role("link", name="My tasks")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name=decoy.number)).to_have_count(0)
    page.get_by_role("link", name=complaint.number, exact=True).click()
    expect(page).to_have_url(detail)
    action(page, "accept").get_by_role("button", name="Sign for").click()
    expect(page.get_by_text("Done: Sign for.")).to_be_visible()
    assert status_of(complaint) == Status.IN_PROGRESS

    resolve = action(page, "resolve")
    resolve.get_by_label("Result").fill("楼上卫生间防水层破损，已重做防水")
    resolve.locator("input[name=after_files]").set_input_files(photo(tmp_path / "after.png"))
    screenshots(page, "handler-resolve")
    resolve.get_by_role("button", name="Resolve", exact=True).click()
    expect(page.get_by_text("Done: Resolve.")).to_be_visible()
    expect(page.get_by_role("img", name="after.png")).to_be_visible()
    screenshots(page, "handler-resolved")
    assert status_of(complaint) == Status.RESOLVED
    assert complaint.result == "楼上卫生间防水层破损，已重做防水"
    assert complaint.attachments.get().kind == Attachment.Kind.AFTER
    console_sign_out(page, base)

    # The resident reads the result on the phone and gives five stars: closed.
    phone, shoot = phone_page, screenshots
    in_english(phone, base)
    portal_sign_in(phone, base, complaint.resident.phone, shoot)
    phone.get_by_role("link", name=re.compile(complaint.number)).click()
    expect(phone).to_have_url(f"{base}/portal/c/{complaint.number}/")
    expect(phone.locator(".status-card")).to_contain_text("楼上卫生间防水层破损，已重做防水")
    phone.get_by_role("link", name="Rate the result").click()
    expect(phone).to_have_url(f"{base}/portal/c/{complaint.number}/rate/")
    phone.get_by_role("radio", name="Very satisfied", exact=True).check()
    phone.get_by_role("radio", name="Yes, it is solved", exact=True).check()
    shoot(phone, "resident-rate")
    phone.get_by_role("button", name="Send my rating").click()
    expect(phone).to_have_url(f"{base}/portal/c/{complaint.number}/")
    expect(phone.get_by_text("Thank you for your rating.")).to_be_visible()
    shoot(phone, "resident-closed")

    assert status_of(complaint) == Status.CLOSED
    assert (complaint.satisfaction, complaint.solved) == (5, True)
    assert events(complaint) == ["complaint.received", "complaint.verify", "complaint.assign",
                                 "complaint.accept", "complaint.resolve", "complaint.rate"]
    assert events(decoy) == ["complaint.received"]
