// Package evtx is a minimal reader of Windows XML Event Log (EVTX) files:
// the file header, 64 KiB chunks, event records and the Binary XML
// (BinXML) of each record, with templates and substitutions, rendered as
// a small element tree.
//
// No maintained Go EVTX library is served by the module proxy this
// project can use, so this reader is written from the published format
// descriptions (the libyal EVTX format notes and [MS-EVEN6] BinXml). It
// reads what event consumers need — element names, attributes, text and
// typed substitution values rendered as text — and reports corrupt
// records as errors instead of guessing. It does not validate checksums
// and does not recover records from slack space.
//
// This package imports only the standard library. It must never import the
// rest of rmmhunt.
package evtx
