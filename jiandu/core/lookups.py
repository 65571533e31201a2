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

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if not self.rhs_is_direct_value():
            return self.as_sql(compiler, connection)
        values = [v for v in self.rhs if v is not None]  # as `In`: NULL never matches
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        db_type = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, values]


@Field.register_lookup
class AnyOf(_ArrayOnPostgreSQL):
    lookup_name = "any_of"


@ForeignObject.register_lookup
class RelatedAnyOf(_ArrayOnPostgreSQL, RelatedIn):
    """On a foreign key (`agency_id__any_of`, `agency__any_of`): ids, or the objects themselves."""

    lookup_name = "any_of"
