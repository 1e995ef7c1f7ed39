"""/categories: the complaint categories in use (TAXONOMY.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from anju.api.schemas import CategoryOut, ErrorOut
from anju.complaints.models import Category

router = Router(tags=["reference"])


@router.get("", response={200: list[CategoryOut], 401: ErrorOut},
            operation_id="categories_list", summary="Complaint categories in use")
def list_categories(request: HttpRequest) -> Any:
    return [
        {"code": c.code, "name": c.name, "name_en": c.name_en, "description": c.description,
         "department": c.department.code}
        for c in Category.objects.filter(is_active=True).select_related("department")
    ]
