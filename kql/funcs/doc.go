// Package funcs is the KQL function library: scalar functions and
// aggregates, each declared once in a registry with its signature check,
// its result-name rule and its implementation. The binder looks functions up
// here; the executor calls the compiled closures.
//
// One file per family (string, datetime, dynamic, math, ip, conversion,
// aggregate). It imports only kql/types, kql/textmatch and the standard
// library; it must never import the parser, the binder or the executor.
package funcs
