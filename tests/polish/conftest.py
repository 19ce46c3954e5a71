from tests.support.conftest import (  # noqa: F401
    customer,
    lone_support_rep,
    other_support_manager,
    other_support_rep,
    other_support_team,
    second_support_rep,
    support_org,
    ticket,
)
