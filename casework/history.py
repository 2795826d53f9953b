"""The one place that configures audit history (django-simple-history).

Every historised model uses :func:`HistoricalRecords`; every write path records
the acting user and a reason through :func:`set_change_reason` (or passes them to
the bulk helpers). History rows keep a copy of the user's name, so a deleted user
still shows, and they hold no database foreign keys.
"""

from functools import partial

from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords as _HistoricalRecords
from simple_history.signals import pre_create_historical_record
from simple_history.utils import bulk_create_with_history, bulk_update_with_history


class HistoryExtra(models.Model):
    history_user_name = models.CharField(max_length=150, blank=True, default="")

    class Meta:
        abstract = True


HistoricalRecords = partial(
    _HistoricalRecords,
    bases=[HistoryExtra],
    user_db_constraint=False,
    cascade_delete_history=False,
)


@receiver(pre_create_historical_record)
def _copy_user_name(sender, history_instance, **kwargs):
    user = history_instance.history_user
    if user is not None and not history_instance.history_user_name:
        history_instance.history_user_name = user.get_username()


def set_change_reason(instance, *, user, reason):
    """Attach the acting user and the reason to the next history row of ``instance``."""
    instance._history_user = user
    instance._change_reason = reason
    return instance


def bulk_create_historised(model, objs, *, user, reason, batch_size=2000):
    """``bulk_create`` that also writes one history row per object, with user and reason."""
    return bulk_create_with_history(
        objs,
        model,
        batch_size=batch_size,
        default_user=user,
        default_change_reason=reason,
        custom_historical_attrs=_user_name(user),
    )


def bulk_update_historised(model, objs, fields, *, user, reason, batch_size=2000):
    """``bulk_update`` that also writes one history row per object, with user and reason."""
    bulk_update_with_history(
        objs,
        model,
        fields,
        batch_size=batch_size,
        default_user=user,
        default_change_reason=reason,
        custom_historical_attrs=_user_name(user),
    )


def _user_name(user):
    # The bulk helpers send no pre_create_historical_record signal, so the copy of
    # the user's name goes into the history rows' own INSERT: exactly the rows this
    # call writes get it, and older rows of the same objects (say, written by a
    # command without a user) keep theirs.
    return {"history_user_name": user.get_username() if user is not None else ""}


def changed_field_labels(model, before, after):
    """The verbose names of the fields that differ between two history rows of one ``model`` record.

    A model may name its secret columns in ``secret_fields`` (field → the label to show, or
    ``None`` to leave the field out): an encrypted column is then named by what it holds.
    """
    secrets = getattr(model, "secret_fields", {})
    labels = []
    for field in model._meta.concrete_fields:
        if not hasattr(after, field.attname):
            continue  # left out of the history (``excluded_fields``, say a notice's photo)
        if field.primary_key or getattr(before, field.attname) == getattr(after, field.attname):
            continue
        label = secrets.get(field.name) if field.name in secrets else field.verbose_name
        if label and str(label) not in labels:
            labels.append(str(label))
    return labels
