"""Records that, once written, are never changed: the audit trail, draw commitments and draw records.
The ORM refuses updates and deletes on them (row by row and in bulk); what a database administrator
could still do is caught by the hash chain or record hash each of them carries."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext


class ImmutableError(RuntimeError):
    pass


class ImmutableQuerySet(models.QuerySet[Any]):
    def _refuse(self) -> NoReturn:
        raise ImmutableError(
            gettext("{verbose_name}一经生成，不能修改或删除").format(
                verbose_name=self.model._meta.verbose_name
            )
        )

    def update(self, **kwargs: Any) -> NoReturn:
        self._refuse()

    def delete(self) -> NoReturn:
        self._refuse()

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        self._refuse()


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableError(
                gettext("{verbose_name}一经生成，不能修改").format(verbose_name=self._meta.verbose_name)
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableError(gettext("{verbose_name}不能删除").format(verbose_name=self._meta.verbose_name))
