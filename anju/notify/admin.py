from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from anju.audit.log import record
from anju.notify import templating
from anju.notify.models import Attempt, ContactPreference, Message, MessageTemplate
from anju.notify.services import complaint_params, message_enqueue


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "at", "ok", "permanent", "error")
    fields = ("number", "at", "ok", "permanent", "error")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "masked_recipient", "state", "attempts",
                    "sent_at"]
    list_filter = ["state", "channel", "kind"]
    readonly_fields = [f.name for f in Message._meta.fields]
    raw_id_fields = ["complaint"]
    inlines = [AttemptInline]

    @admin.display(description=_("recipient"))
    def masked_recipient(self, obj: Message) -> str:
        return obj.masked_recipient

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


def sample_params(language: str) -> dict[str, str]:
    """Variables of the newest complaint, or made-up ones on an empty system."""
    from anju.complaints.models import Complaint

    complaint = Complaint.objects.select_related("category", "handler", "department",
                                                 "estate").first()
    if complaint is not None:
        return complaint_params(complaint, language, note="示例说明")
    return {"number": "TS202601010001", "category": "维修", "plan": "明天上午更换灯泡",
            "handler": "王师傅", "department": "工程部", "deadline": "2026-01-02 12:00",
            "link": "https://example.com/portal/c/TS202601010001/",
            "rate_link": "https://example.com/portal/c/TS202601010001/rate/",
            "reason": "属于供电公司职责", "advice": "供电服务热线 95598", "result": "已更换灯泡",
            "note": "等待配件到货", "estate": "翠湖苑"}


class TestSendForm(ActionForm):
    recipient = forms.CharField(label=_("Test recipient (phone or e-mail)"), required=False,
                                max_length=200)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ["event", "channel", "language", "subject", "updated_at"]
    list_filter = ["event", "channel", "language"]
    readonly_fields = ["variables", "preview"]
    fields = ["event", "channel", "language", "subject", "body", "variables", "preview"]
    action_form = TestSendForm
    actions = ["test_send"]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "event":
            kwargs["widget"] = forms.Select(choices=[(e, e) for e in templating.events()])
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("variables"))
    def variables(self, obj: MessageTemplate) -> str:
        return format_html_join(" ", "<code>{{{}}}</code>", ((v,) for v in templating.VARIABLES))

    @admin.display(description=_("preview"))
    def preview(self, obj: MessageTemplate) -> str:
        if not obj.pk:
            return "—"
        params = sample_params(obj.language)
        return format_html("<strong>{}</strong><br><pre style=\"white-space:pre-wrap\">{}</pre>",
                           templating.render(obj.subject, params),
                           templating.render(obj.body, params))

    @admin.action(description=_("Send a test message"))
    def test_send(self, request: HttpRequest, queryset: QuerySet[MessageTemplate]) -> None:
        to = (request.POST.get("recipient") or "").strip()
        sent = 0
        for template in queryset:
            params = sample_params(template.language)
            subject = templating.render(template.subject, params)
            body = templating.render(template.body, params)
            channel = template.channel
            if channel in (Message.Channel.SMS, Message.Channel.EMAIL) and not to:
                self.message_user(request, _("Enter a test recipient for SMS and e-mail templates."),
                                  messages.ERROR)
                return
            message_enqueue(channel=channel, recipient=to if channel in ("sms", "email") else "",
                            user=request.user if channel == Message.Channel.IN_APP else None,
                            kind="test", subject=subject, body=body, urgent=True)
            record("notify.test_send", actor=request.user, target=template,
                   data={"event": template.event, "channel": channel}, request=request)
            sent += 1
        self.message_user(request, _("%(count)d test message(s) queued; see Messages.")
                          % {"count": sent})


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    list_display = ["resident", "channel", "language", "opted_out", "updated_at"]
    list_filter = ["channel", "language", "opted_out"]
    raw_id_fields = ["resident"]
