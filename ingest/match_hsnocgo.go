//go:build hyperscan && !cgo

package ingest

// The hyperscan build tag links libhs through cgo: build it with
// CGO_ENABLED=1 (and libhyperscan-dev or Vectorscan's libhs installed).
// This file stops a cgo-less build with that message instead of a
// confusing one.
var _ = hyperscan_build_tag_needs_CGO_ENABLED_1_and_libhs
