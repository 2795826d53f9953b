"""Re-encrypt every encrypted column under the current key (the first of CASEWORK_ENCRYPTION_KEYS).

Rotation, step by step (README, "Key rotation"): put the new key first and keep
the old one after it, run this command, then drop the old key. The command
finds the encrypted columns by name (``*_encrypted`` text fields, on the live
tables and on their history tables), works in batches inside one transaction,
and writes no history rows: the values do not change, only their encryption.
The blind index is keyed separately and stays as it is.
"""

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction

from casework import crypto

SUFFIX = "_encrypted"


def encrypted_columns():
    """``(model, [field names])`` for every model, history models included, with encrypted text columns."""
    found = []
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if f.name.endswith(SUFFIX) and isinstance(f, models.TextField | models.CharField)
        ]
        if names:
            found.append((model, names))
    return sorted(found, key=lambda item: item[0]._meta.label)


class Command(BaseCommand):
    help = "Re-encrypt personal data under the first key of CASEWORK_ENCRYPTION_KEYS (no history rows written)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--dry-run", action="store_true", help="Count what would be re-encrypted; write nothing.")

    def handle(self, *args, batch_size, dry_run, **options):
        crypto.reset_cache()
        current = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
        total = 0
        with transaction.atomic():
            for model, fields in encrypted_columns():
                count = self._rotate_model(model, fields, current, batch_size, dry_run)
                total += count
                self.stdout.write(f"{model._meta.label} ({', '.join(fields)}): {count}")
            if dry_run:
                transaction.set_rollback(True)
        verb = "would re-encrypt" if dry_run else "re-encrypted"
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} value(s)"))

    def _rotate_model(self, model, fields, current, batch_size, dry_run):
        # A model holding whole files (roster uploads) says how many of them fit in memory at once.
        batch_size = min(batch_size, getattr(model, "rotation_batch_size", batch_size))
        pk = model._meta.pk.attname
        rows = model._base_manager.order_by(pk).values_list(pk, *fields)
        last, count = None, 0
        while True:
            batch = list((rows if last is None else rows.filter(**{f"{pk}__gt": last}))[:batch_size])
            if not batch:
                return count
            last = batch[-1][0]
            changed = []
            for key, *tokens in batch:
                # Every listed column is written back, so unchanged ones keep their token.
                values = dict(zip(fields, tokens, strict=True))
                stale = [f for f, token in values.items() if token and not self._is_current(current, token)]
                for field in stale:
                    values[field] = self._rotated(model, key, values[field])
                if stale:
                    changed.append(model(**{pk: key}, **values))
                    count += len(stale)
            if changed and not dry_run:
                # bulk_update, not save(): rotation is not a change of the record and writes no history.
                model._base_manager.bulk_update(changed, fields, batch_size=batch_size)

    @staticmethod
    def _is_current(current, token):
        try:
            current.decrypt(token.encode())
        except InvalidToken:
            return False
        return True

    @staticmethod
    def _rotated(model, key, token):
        try:
            return crypto.rotate(token)
        except InvalidToken:
            raise CommandError(
                f"{model._meta.label} #{key}: a value cannot be decrypted with any configured key; nothing was changed."
            ) from None
