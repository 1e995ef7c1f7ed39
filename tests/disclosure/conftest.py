from tests.api.conftest import api_for  # noqa: F401
from tests.console.conftest import _english, advance, as_user  # noqa: F401
