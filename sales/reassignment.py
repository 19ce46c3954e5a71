"""Opportunities in crm's team reassignment (registered from SalesConfig.ready()).

The move itself is a service (sales.services.opportunities.opportunities_reassign_owner);
here it is plugged into crm.staff.reassignment, with the count its preview shows. crm has
checked who acts and who the two members are before either runs.
"""

from datetime import datetime

from django.db.models import Count, Q

from accounts.models import Team, TeamKind, User
from crm.staff.reassignment import Mover, Pending

from .models import CLOSED_STAGES, Opportunity
from .services import opportunities as opportunity_services


def count_opportunities(*, team: Team, from_user: User) -> list[Pending]:
    counts = Opportunity.objects.filter(owner=from_user).aggregate(
        open=Count("pk", filter=~Q(stage__in=CLOSED_STAGES)), closed=Count("pk", filter=Q(stage__in=CLOSED_STAGES))
    )
    return [
        Pending("opportunities", "open opportunities", counts["open"], one="open opportunity"),
        Pending("closed_opportunities", "won or lost deals", counts["closed"], closed=True, one="won or lost deal"),
    ]


def move_opportunities(
    *, acting_user: User, team: Team, from_user: User, to_user: User, now: datetime, include_closed: bool = False
) -> int:
    return opportunity_services.opportunities_reassign_owner(
        acting_user=acting_user, from_user=from_user, to_user=to_user, now=now, include_closed=include_closed
    )


def opportunities_mover() -> Mover:
    return Mover(
        kind="opportunities",
        label="Opportunities they own",
        one="opportunity",
        team_kind=TeamKind.SALES,
        order=20,
        move=move_opportunities,
        count=count_opportunities,
        closed_label="Also move won and lost deals (they stay with who closed them unless ticked)",
    )
