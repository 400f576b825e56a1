// Package conformance runs the engine against recorded answers of the real
// Kusto engine (shared/conformance/kusto-oracle) and renders results in the
// oracle's format (.NET invariant formatting of Kusto's JSON response).
//
// It is test infrastructure: the rmmhunt binary never imports it.
package conformance
