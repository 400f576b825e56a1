// Package textmatch implements Kusto's string predicates exactly: term
// matching for has/hasprefix/hassuffix (and their _cs variants), substring,
// prefix and suffix tests, equality under simple Unicode case folding, and
// has_any over many needles in one pass (AnyTerms).
//
// The rules follow shared/design/kql-semantics.md §3: a term character is a
// Unicode letter or decimal digit; a `has` occurrence needs a term boundary
// only where the needle itself starts or ends with a term character; folding
// is rune-to-rune simple case folding, so rune offsets stay aligned.
//
// It imports only the standard library; it must never import other packages
// of this module.
package textmatch
