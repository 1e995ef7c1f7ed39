from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from anju.estates.models import Building, Company, Estate, Facility, Residency, Resident, Room, Unit
from anju.privacy.admin import MaskedFieldsForm, masked


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "hotline"]


class BuildingInline(admin.TabularInline):
    model = Building
    extra = 0


@admin.register(Estate)
class EstateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "company", "phone", "is_active"]
    list_filter = ["company", "is_active"]
    search_fields = ["code", "name"]
    inlines = [BuildingInline]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "estate", "floors"]
    list_filter = ["estate"]
    search_fields = ["name", "estate__name"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "building"]
    list_filter = ["building__estate"]
    list_select_related = ["building__estate"]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["number", "unit", "floor", "area_m2"]
    list_filter = ["unit__building__estate"]
    search_fields = ["number", "unit__building__name"]
    list_select_related = ["unit__building__estate"]
    raw_id_fields = ["unit"]


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "estate", "building"]
    list_filter = ["estate", "kind"]
    search_fields = ["name"]


class ResidencyInline(admin.TabularInline):
    model = Residency
    extra = 0
    raw_id_fields = ["room"]


class ResidentForm(MaskedFieldsForm):
    masked_fields = {"name": "name", "phone": "contact", "id_number": "id_number"}

    class Meta:
        model = Resident
        fields = "__all__"


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    # Names and numbers are shown masked, in the list and in the form (anju/privacy/admin.py).
    form = ResidentForm
    list_display = [masked("name", "name", _("name")), masked("contact", "phone", _("phone")),
                    "phone_verified_at"]
    # Names and numbers are encrypted: the search box finds a resident by the exact phone
    # or ID card number through the blind indexes (get_search_results below).
    search_fields = ["phone_index"]
    search_help_text = _("Exact phone or ID card number.")
    sortable_by = ["phone_verified_at"]  # sorting ciphertext would mean nothing
    raw_id_fields = ["user"]
    inlines = [ResidencyInline]

    def get_search_results(self, request: Any, queryset: Any, search_term: str) -> tuple[Any, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        found = queryset.model.objects.with_phone(term) | queryset.model.objects.with_id_number(term)
        return queryset.filter(pk__in=found.values("pk")), False
