// Package syntax is the front end of the KQL engine: tokens, a lexer, an AST
// with byte-offset positions, a recursive-descent parser that returns the AST
// together with a sortable list of positioned errors, and a printer that turns
// an AST back into canonical KQL text.
//
// The grammar follows the Kusto Query Language as used by Microsoft Defender
// XDR and Microsoft Sentinel hunting queries (see the project's
// kql-semantics.md, sections 1, 2, 5 and 9). Like the official parser, the AST
// is unified: tabular expressions (table names, pipes, datatable, union, ...)
// and scalar expressions are both Expr values; the binder decides which kind
// each one is. Tabular operators written after '|' are Operator values, held
// by *PipeExpr nodes.
//
// Positions are byte offsets (Pos) into the source text. Position converts an
// offset into a 1-based line and a 1-based column counted in characters
// (Unicode code points), as editors show them; a tab counts as one column and
// CR LF ends one line.
//
// This package is a leaf: it must never import other rmmhunt packages (bind,
// exec, funcs, ingest, CLI, ...) and it does no I/O.
package syntax
