"""The sign-in backend: Django's, with the user loaded together with their role and clinic,
which every request resolves next (see `actor_for`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from needlepoint.clinics.actors import ACTOR_RELATED


class ActorBackend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        user = (
            get_user_model()
            ._default_manager.select_related(*ACTOR_RELATED)
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
