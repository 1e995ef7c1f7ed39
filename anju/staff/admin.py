from django.contrib import admin

from anju.staff.models import Department, StaffProfile


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
