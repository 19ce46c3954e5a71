"""What sales adds to the home page (`/`) of salespeople: their pipeline by stage and their deals
expected to close this month (registered from SalesConfig.ready()).

Each section counts over the sales policy (opportunities_visible_to), in a fixed number of
queries, and links to the list that shows its rows with the same filter.
"""

from urllib.parse import urlencode

from django.db.models import Count, Sum
from django.urls import reverse

from accounts.models import User
from crm.customers.access import with_customer_viewable
from crm.platform.periods import Period
from crm.platform.slots import SlotItem

from . import access
from .dashboard import money, opportunities_url
from .models import OPEN_STAGES, ZERO, Stage

HOME_ROWS = 10


def my_pipeline_context(*, user: User, period: Period) -> dict | None:
    if not access.sees_pipeline(user):
        return None
    rows = (
        access.opportunities_visible_to(user)
        .filter(owner=user, stage__in=OPEN_STAGES)
        .order_by()
        .values("stage")
        .annotate(count=Count("pk"), total=Sum("amount"))
    )
    by_stage = {row["stage"]: row for row in rows}
    stages = [
        {
            "label": label,
            "count": by_stage.get(stage, {}).get("count", 0),
            "total": money(by_stage.get(stage, {}).get("total")),
            "url": opportunities_url(owner=user.pk, stage=stage),
        }
        for stage, label in Stage.choices
        if stage in OPEN_STAGES
    ]
    total = sum((row["total"] for row in by_stage.values()), ZERO)
    return {
        "stages": stages,
        "total": money(total),
        "url": opportunities_url(owner=user.pk, stage=OPEN_STAGES),
        "board_url": f"{reverse('sales-board')}?{urlencode({'owner': user.pk})}",
    }


def closing_this_month_context(*, user: User, period: Period) -> dict | None:
    """My open deals expected to close this month, soonest first (one query; one row more tells of more)."""
    if not access.sees_pipeline(user):
        return None
    deals = list(
        with_customer_viewable(access.opportunities_visible_to(user), user)
        .filter(
            owner=user,
            stage__in=OPEN_STAGES,
            expected_close__gte=period.month_start,
            expected_close__lte=period.month_end,
        )
        .select_related("customer")
        .order_by("expected_close", "id")[: HOME_ROWS + 1]
    )
    return {
        "deals": deals[:HOME_ROWS],
        "more": len(deals) > HOME_ROWS,
        "url": opportunities_url(
            owner=user.pk,
            stage=OPEN_STAGES,
            expected_close_after=period.month_start.isoformat(),
            expected_close_before=period.month_end.isoformat(),
        ),
    }


HOME_SECTIONS = (
    SlotItem(
        key="my-pipeline",
        title="My pipeline",
        order=10,
        visible_to=access.works_own_pipeline,
        template="sales/home/my_pipeline.html",
        build=my_pipeline_context,
    ),
    SlotItem(
        key="closing-this-month",
        title="Deals closing this month",
        order=20,
        visible_to=access.works_own_pipeline,
        template="sales/home/closing_this_month.html",
        build=closing_this_month_context,
    ),
)
