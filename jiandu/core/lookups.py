"""`__any_of`: an `__in` whose list of values is ONE array parameter on PostgreSQL.

A filter by the user's organisation subtree or programmes (`agency_id__any_of=ids`) carries up to
hundreds of ids. As `IN (%s, %s, …)` each id is a parameter: Django builds a placeholder per id, the
driver splits and quotes the statement per id, and PostgreSQL parses and plans each constant, once per
sub-select that repeats the list (the home page's work queue repeats it in every entry). As
`= ANY(%s::bigint[])` it is one value, and the plan is the same (an index condition on the column).
Elsewhere (SQLite), and when the values are a sub-select, it is `__in` unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.models import Field
from django.db.models.fields.related import ForeignObject
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class _ArrayOnPostgreSQL(In):
    """`column = ANY(%s::type[])` for a list of values; a sub-select, and other databases, as `In`."""

    def get_prep_lookup(self) -> Any:
        # Ids (ints) need no preparing: the general path normalises and converts each value (twice
        # on a foreign key), a per-id cost paid in every sub-select that repeats the list.
        ids = isinstance(self.rhs, list | tuple) and _integer_column(self.lhs.output_field)
        if ids and all(type(v) is int for v in self.rhs):
            return list(self.rhs)
        return super().get_prep_lookup()

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        values = [v for v in self.rhs if v is not None]  # as `In`: NULL never matches
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        db_type = self.lhs.output_field.cast_db_type(connection)
        if all(type(v) is int for v in values):
            # As the array's text ('{1,2,3}'): one string for the driver to quote, not a list to
            # adapt value by value.
            return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, "{" + ",".join(map(str, values)) + "}"]
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, values]


_INTEGER_TYPES = frozenset(
    {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField"}
)


def _integer_column(field: Any) -> bool:
    target = getattr(field, "target_field", field)  # a foreign key: the column it refers to
    return target.get_internal_type() in _INTEGER_TYPES


@Field.register_lookup
class AnyOf(_ArrayOnPostgreSQL):
    lookup_name = "any_of"


@ForeignObject.register_lookup
class RelatedAnyOf(_ArrayOnPostgreSQL, RelatedIn):
    """On a foreign key (`agency_id__any_of`, `agency__any_of`): ids, or the objects themselves."""

    lookup_name = "any_of"
