package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"sync"

	"github.com/rmmhunt/rmmhunt/rules"
)

// FileDigest is one file a run read, with its size and SHA-256 (Err when
// it could not be read; SHA256 "" for standard input).
type FileDigest struct {
	Path   string
	Size   int64
	SHA256 string
	Err    string
}

// HashFile returns the size and SHA-256 of a file.
func HashFile(path string) FileDigest {
	d := FileDigest{Path: path}
	f, err := os.Open(path)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	d.Size = n
	d.SHA256 = hex.EncodeToString(h.Sum(nil))
	return d
}

// HashFiles hashes files concurrently (a few at a time) and returns their
// digests in the order given.
func HashFiles(paths []string) []FileDigest {
	out := make([]FileDigest, len(paths))
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			out[i] = HashFile(p)
			<-sem
		}()
	}
	wg.Wait()
	return out
}

// PackHash is the SHA-256 of the loaded rules: of each rule's JSON encoding
// (id, name, query, metadata, file), in pack order, one per line. It changes
// when any rule's text or metadata changes, whatever the files look like.
func PackHash(rs []*rules.Rule) string {
	h := sha256.New()
	for _, r := range rs {
		b, err := json.Marshal(r)
		if err != nil {
			// rules hold YAML-decoded values only; this cannot fail, but a
			// hash that silently skipped a rule would lie.
			b = []byte(err.Error())
		}
		h.Write(b)
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}
