import random

from django.core.management.base import BaseCommand

from crm.devtools.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_seeders, seed_staff


class Command(BaseCommand):
    help = "Adds a small, realistic demo data set (idempotent) and prints the demo logins."

    def handle(self, *args, **options):
        seed_staff()
        for seeder in demo_seeders():
            seeder.seed(random.Random(f"demo-{seeder.name}"))
            self.stdout.write(f"  seeded {seeder.name}")
        self.stdout.write(self.style.SUCCESS("\nDemo data is ready. Log in at http://127.0.0.1:8000/ as:"))
        for role, username in DEMO_LOGINS:
            self.stdout.write(f"  {role:<8} {username:<8} password: {DEMO_PASSWORD}")
