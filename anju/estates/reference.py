"""Estates by code, cached per process for intake (see anju/lib/refcache.py)."""

from anju.estates.models import Estate
from anju.lib.refcache import ReferenceCache

active_estates: ReferenceCache[Estate] = ReferenceCache(Estate, "code", is_active=True)
