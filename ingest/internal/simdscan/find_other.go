//go:build !amd64 || purego

package simdscan

// Available reports whether Find can run: never in this build (not amd64,
// or built with -tags purego).
const Available = false

// Find must not be called in this build (Available is false).
func Find(data []byte, from int, t *Tables) (int, bool) {
	panic("simdscan: Find without AVX2")
}
