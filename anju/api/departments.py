"""/departments: the departments complaints are dispatched to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from anju.api.schemas import DepartmentOut, ErrorOut
from anju.staff.models import Department

router = Router(tags=["reference"])


@router.get("", response={200: list[DepartmentOut], 401: ErrorOut},
            operation_id="departments_list", summary="Active departments")
def list_departments(request: HttpRequest) -> Any:
    return list(Department.objects.filter(is_active=True).values("code", "name", "name_en"))
