"""``tribune createadmin``: create a workspace owner from the command line."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from tribune.accounts.models import User
from tribune.accounts.services import do_create_workspace


class Command(BaseCommand):
    help = "Create a user who owns a new workspace."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--workspace", required=True, help="Workspace name")
        parser.add_argument("--kind", choices=["agency", "company"], default="company")
        parser.add_argument("--password", help="Read from the terminal when omitted.")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"A user with the email {email} already exists.")
        password = options["password"] or getpass.getpass("Password: ")
        try:
            validate_password(password, User(email=email))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        slug = slugify(options["workspace"])[:60] or "workspace"
        with transaction.atomic():
            user = User.objects.create_user(email, password, is_staff=True)
            do_create_workspace(options["workspace"], slug, options["kind"], user)
        self.stdout.write(self.style.SUCCESS(f"{email} owns the workspace {slug}."))
