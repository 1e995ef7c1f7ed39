from django.contrib import admin

from anju.accounts.admin import UserAdmin
from anju.accounts.models import User
from anju.staff.models import Department, StaffProfile


class StaffInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    filter_horizontal = ["estates", "departments", "skills"]


# A user's staff profile is edited on the user's page: the accounts' user admin, with the
# profile inline (the accounts are a layer below the staff and do not know the profile).
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, StaffInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "is_active"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "all_estates", "on_duty"]
    list_filter = ["role", "on_duty", "departments", "estates"]
    search_fields = ["user__username", "user__name"]
    filter_horizontal = ["estates", "departments", "skills"]
    raw_id_fields = ["user"]
