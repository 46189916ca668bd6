"""Fixtures of the confirmation pages: the officers' small programme, the results' two sides, the newsletter's
published issue and its subscribers (each area's own fixtures, imported)."""

from tests.mailing.conftest import _fresh_rate_limits, make_subscriber, published_issue  # noqa: F401
from tests.newsletters.conftest import make_issue  # noqa: F401
from tests.officers.conftest import programme  # noqa: F401
from tests.results.conftest import side_a  # noqa: F401
