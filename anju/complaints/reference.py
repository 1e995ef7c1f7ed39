"""Categories by code, cached per process for intake (see anju/lib/refcache.py).

Inactive categories are cached too, so intake can say "no longer used" instead of "unknown".
"""

from anju.complaints.models import Category
from anju.lib.refcache import ReferenceCache

categories: ReferenceCache[Category] = ReferenceCache(Category, "code")
