"""`needlepoint token create|revoke|list`: personal API tokens for staff."""

from __future__ import annotations

from pathlib import Path

import click

from needlepoint.cli.django_app import data_dir_option, start_django


def staff_user(email: str):  # type: ignore[no-untyped-def]
    from needlepoint.accounts.models import User

    user = User.objects.filter(email=email.strip().lower(), staff__isnull=False).first()
    if user is None:
        raise click.UsageError(f"no staff member with e-mail {email!r}.")
    if not user.is_active:
        raise click.UsageError(f"the account {email!r} is deactivated.")
    return user


@click.group()
def token() -> None:
    """Personal API tokens (sent as `Authorization: Bearer <token>`)."""


@token.command()
@click.option("--email", required=True, help="The staff member's e-mail address.")
@click.option("--label", default="", help="What the token is for, e.g. 'lab integration'.")
@data_dir_option
def create(email: str, label: str, data_dir: Path | None) -> None:
    """Create a token and print it once (only its hash is stored)."""
    start_django(data_dir)
    from needlepoint.clinics.api_tokens import api_token_create

    _, raw = api_token_create(staff_user(email).staff, label, by=None)
    click.echo(raw)


@token.command()
@click.option("--email", required=True, help="The staff member's e-mail address.")
@click.option("--prefix", default=None, help="Revoke only the token starting with this.")
@data_dir_option
def revoke(email: str, prefix: str | None, data_dir: Path | None) -> None:
    """Revoke a staff member's tokens (all, or one by its prefix)."""
    start_django(data_dir)
    from needlepoint.clinics.api_tokens import api_token_revoke

    count = api_token_revoke(staff_user(email).staff, prefix, by=None)
    if count == 0:
        raise click.UsageError("no active token matched.")
    click.echo(f"revoked {count} token{'s' if count != 1 else ''}")


@token.command("list")
@click.option("--email", required=True, help="The staff member's e-mail address.")
@data_dir_option
def list_tokens(email: str, data_dir: Path | None) -> None:
    """List a staff member's tokens (prefix, label, dates)."""
    start_django(data_dir)
    user = staff_user(email)
    for item in user.api_tokens.all():
        state = f"revoked {item.revoked_at:%Y-%m-%d}" if item.revoked_at else "active"
        used = f"{item.last_used_at:%Y-%m-%d %H:%M}" if item.last_used_at else "never"
        click.echo(
            f"{item.prefix}…  {state:<18} created {item.created_at:%Y-%m-%d}  "
            f"last used {used}  {item.label}"
        )


COMMANDS = [token]
