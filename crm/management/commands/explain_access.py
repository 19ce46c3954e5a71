"""manage.py explain_access USERNAME customer|ticket ID: per action, allowed or refused, and why.

The answer comes from the record's access policy (its rules' reasons), as the portal's
"Who can see this?" and GET /api/v1/<records>/{id}/access/ show it.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from crm.insights.explainer import explain_access, explainable_kind, explainable_kind_names


class Command(BaseCommand):
    help = "Explain what a user may do with a customer or a ticket, and why (from the access policy's rules)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("kind", choices=explainable_kind_names())
        parser.add_argument("record_id", type=int)

    def handle(self, *args, username, kind, record_id, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        explainable = explainable_kind(kind)
        try:
            record = explainable.record(record_id)
        except explainable.model.DoesNotExist:
            raise CommandError(f"No {kind} with id {record_id}.") from None
        [user_access] = explain_access(kind=explainable, record=record, users=[user])
        self.stdout.write(f"{user.username} ({user.role}{'' if user.is_active else ', inactive'}) on {kind} {record}:")
        for verdict in user_access.verdicts:
            if verdict.allowed:
                self.stdout.write(f"  {verdict.action}: allowed")
                lines = verdict.reasons
            else:
                self.stdout.write(f"  {verdict.action}: refused")
                lines = verdict.refused_because
            for line in lines:
                self.stdout.write(f"    - {line}")
