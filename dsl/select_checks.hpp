#pragma once

// Load-time checks Tremor makes on a select statement's expressions (after
// binding): no script locals in its clauses, and in a windowed select no
// event or metadata outside aggregates except what it groups by.

#include "dsl/ast.hpp"
#include "dsl/diagnostics.hpp"

namespace temblor::dsl {

/// Reports "Local variables are not allowed here" for a target, `where`,
/// `having` or `group by` reading a name no pattern or `for` inside it
/// binds (constants are fine).
void check_select_locals(const select_stmt& s, diagnostics& diags);

/// In a windowed select, reports each `event`/`$` path of the target that is
/// neither inside an aggregate call nor one of the `group by` expressions.
void check_windowed_event_refs(const select_stmt& s, diagnostics& diags);

} // namespace temblor::dsl
