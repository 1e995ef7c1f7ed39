from django.contrib import admin

from anju.notify.models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "recipient", "state", "attempts", "sent_at"]
    list_filter = ["state", "channel", "kind"]
    readonly_fields = [f.name for f in Message._meta.fields]
    raw_id_fields = ["complaint"]

    def has_add_permission(self, request: object) -> bool:
        return False
