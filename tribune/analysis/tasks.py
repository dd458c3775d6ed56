"""Background job: train a brand's model from its corrections (seconds to a minute)."""

from __future__ import annotations

from django.tasks import task


@task()
def train_brand_model(brand_id: int, user_id: int | None = None) -> int:
    """Train and activate a new version; returns its number (0: nothing to train on)."""
    from tribune.accounts.models import User

    from .brand_models import NothingToTrain, do_train_brand_model

    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        return do_train_brand_model(brand_id, user=user).version
    except NothingToTrain:
        return 0
