from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pua.accounts import token_services
from pua.accounts.models import ApiToken


class Command(BaseCommand):
    help = ("Create an API key for USERNAME and print its secret, once: only a digest is stored. "
            "The key expires after API_TOKEN_TTL_DAYS days.")

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="What the key is for.")
        parser.add_argument("--rotate", action="store_true",
                            help="Revoke the user's live keys with the same name first.")

    def handle(self, username, name="command line", rotate=False, **options):
        try:
            user = get_user_model().objects.get(username=username, is_active=True)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No active user called {username!r}.") from None
        if rotate:
            for token in ApiToken.objects.filter(user=user, name=name.strip(), revoked_at__isnull=True):
                token_services.api_token_revoke(token=token, by=None)
        try:
            issued = token_services.api_token_create(user=user, name=name, by=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(issued.secret)
