import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from casework.models import User
from casework.services import api_token_create


class Command(BaseCommand):
    help = (
        "Create an API token acting as an account (its unit and role are the token's scope) and print the "
        "secret once; only its SHA-256 is stored. Revoke it in the admin (接口令牌)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="user name of the account the token acts as")
        parser.add_argument("--name", required=True, help="what the token is for (the client's name)")
        parser.add_argument("--days", type=int, help="valid for this many days (default: until revoked)")

    def handle(self, *args, user, name, days, **options):
        account = User.objects.select_related("organisation").filter(username=user).first()
        if account is None:
            raise CommandError(f"no account named {user!r}")
        expires_at = timezone.now() + datetime.timedelta(days=days) if days else None
        try:
            token, secret = api_token_create(
                name=name, user=account, acting_user=None, reason="create_api_token command", expires_at=expires_at
            )
        except Exception as exc:  # a refusal of the service (an inactive account, say)
            raise CommandError(str(exc)) from exc
        self.stderr.write(f"token {token.prefix}… for {account.username} (id {token.pk}); shown once:")
        self.stdout.write(secret)
