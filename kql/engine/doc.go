// Package engine binds a parsed KQL query against table schemas and the
// function library and compiles it into a tree of streaming operators whose
// expressions are typed Go closures; then it runs that tree over a
// source.Source.
//
// Binding and planning happen in one pass (see docs/architecture.md): every
// name is resolved and every expression typed before anything runs, so an
// unknown column, a misused function or an unsupported operator fails with a
// positioned error ("not supported: X at line:col") and never with a quietly
// different answer. Pushdown (needed columns, prefilter terms, time range)
// is derived from the leading filters of each table scan and handed to the
// source as a source.Spec; the full predicate is always evaluated again.
//
// The engine knows nothing of files, formats or flags: it imports kql/syntax,
// kql/types, kql/funcs, kql/textmatch, kql/source and schema only.
package engine
