package funcs

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"hash"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// Encoding, hashing and URL/path parsing functions.

// decodeBase64 decodes standard, padded base64; whitespace is ignored, as
// .NET's Convert.FromBase64String does.
func decodeBase64(s string) ([]byte, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return b, true
}

func hashFn(name string, newHash func() hash.Hash) {
	register(&Scalar{Name: name, MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
		Compile: func(args []Arg) (types.Type, EvalFunc, error) {
			// The bytes Kusto hashes for non-string values are not
			// documented; only strings are accepted.
			if args[0].Type != types.String {
				return 0, nil, argErr("%s(): only string arguments are supported, not %s; convert with tostring()", name, args[0].Type)
			}
			return types.String, func(a []types.Value) types.Value {
				h := newHash()
				h.Write([]byte(a[0].S))
				return types.NewString(hex.EncodeToString(h.Sum(nil)))
			}, nil
		}})
}

// urlKeys are parse_url's bag keys in output order.
var urlKeys = []string{"Scheme", "Host", "Port", "Path", "Username", "Password", "Query Parameters", "Fragment"}

func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// ParseURL splits an absolute URL as parse_url() does. Text without a
// "scheme://" prefix gives every part empty.
func ParseURL(s string) *types.Bag {
	parts := map[string]string{}
	query := types.NewBag()
	if i := strings.Index(s, "://"); i > 0 && validScheme(s[:i]) {
		parts["Scheme"] = s[:i]
		rest := s[i+3:]
		if j := strings.IndexByte(rest, '#'); j >= 0 {
			parts["Fragment"] = rest[j+1:]
			rest = rest[:j]
		}
		if j := strings.IndexByte(rest, '?'); j >= 0 {
			for _, kv := range strings.Split(rest[j+1:], "&") {
				if kv == "" {
					continue
				}
				k, v, _ := strings.Cut(kv, "=")
				query.Set(unescapeQuery(k), unescapeQuery(v))
			}
			rest = rest[:j]
		}
		auth := rest
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			auth, parts["Path"] = rest[:j], rest[j:]
		}
		if j := strings.LastIndexByte(auth, '@'); j >= 0 {
			user := auth[:j]
			auth = auth[j+1:]
			u, p, _ := strings.Cut(user, ":")
			parts["Username"], parts["Password"] = u, p
		}
		host := auth
		if strings.HasPrefix(auth, "[") {
			if j := strings.IndexByte(auth, ']'); j >= 0 {
				host = auth[:j+1]
				if strings.HasPrefix(auth[j+1:], ":") {
					parts["Port"] = auth[j+2:]
				}
			}
		} else if j := strings.LastIndexByte(auth, ':'); j >= 0 {
			host, parts["Port"] = auth[:j], auth[j+1:]
		}
		parts["Host"] = host
	}
	b := types.NewBag()
	for _, k := range urlKeys {
		if k == "Query Parameters" {
			b.Set(k, query)
			continue
		}
		b.Set(k, parts[k])
	}
	return b
}

func validScheme(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlnum(c) || i > 0 && (c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// ParsePath splits a file path as parse_path() does: Scheme, RootPath,
// DirectoryPath, DirectoryName, Filename, Extension,
// AlternateDataStreamName. Both slash kinds separate.
func ParsePath(p string) *types.Bag {
	scheme := ""
	rest := p
	if i := strings.Index(p, "://"); i > 0 && validScheme(p[:i]) {
		scheme, rest = p[:i], p[i+3:]
	}
	root := ""
	body := strings.TrimPrefix(rest, `\\?\`)
	if len(body) >= 2 && body[1] == ':' && (body[0] >= 'a' && body[0] <= 'z' || body[0] >= 'A' && body[0] <= 'Z') {
		root = body[:2]
	}
	dir, file := "", rest
	if i := strings.LastIndexAny(rest, `/\`); i >= 0 {
		dir, file = rest[:i], rest[i+1:]
	}
	dirName := dir
	if i := strings.LastIndexAny(dir, `/\`); i >= 0 {
		dirName = dir[i+1:]
	}
	ads := ""
	if i := strings.IndexByte(file, ':'); i >= 0 && !(dir == "" && root != "" && i == 1) {
		file, ads = file[:i], file[i+1:]
	}
	ext := ""
	if i := strings.LastIndexByte(file, '.'); i >= 0 {
		ext = file[i+1:]
	}
	b := types.NewBag()
	b.Set("Scheme", scheme)
	b.Set("RootPath", root)
	b.Set("DirectoryPath", dir)
	b.Set("DirectoryName", dirName)
	b.Set("Filename", file)
	b.Set("Extension", ext)
	b.Set("AlternateDataStreamName", ads)
	return b
}

func init() {
	strArg := func(name string) func([]Arg) error {
		return func(args []Arg) error { return checkArg(name, args, 0, isStringish, "a string") }
	}
	reg := func(name string, ret types.Type, f func(s string) types.Value) {
		check := strArg(name)
		register(&Scalar{Name: name, MinArgs: 1, MaxArgs: 1, NameKind: NameNone,
			Compile: func(args []Arg) (types.Type, EvalFunc, error) {
				if err := check(args); err != nil {
					return 0, nil, err
				}
				return ret, func(a []types.Value) types.Value { return f(str(a[0])) }, nil
			}})
	}
	reg("base64_encode_tostring", types.String, func(s string) types.Value {
		return types.NewString(base64.StdEncoding.EncodeToString([]byte(s)))
	})
	// Bytes that are not UTF-8 decode to null (documented), and a null
	// string is "".
	reg("base64_decode_tostring", types.String, func(s string) types.Value {
		b, ok := decodeBase64(s)
		if !ok || !utf8.Valid(b) {
			return types.NewString("")
		}
		return types.NewString(string(b))
	})
	reg("base64_decode_toarray", types.Dynamic, func(s string) types.Value {
		b, ok := decodeBase64(s)
		if !ok {
			return types.Null(types.Dynamic)
		}
		out := make([]any, len(b))
		for i, c := range b {
			out[i] = int64(c)
		}
		return types.NewDynamic(out)
	})
	alias("base64_encodestring", "base64_encode_tostring")
	alias("base64_decodestring", "base64_decode_tostring")
	hashFn("hash_md5", md5.New)
	hashFn("hash_sha1", sha1.New)
	hashFn("hash_sha256", sha256.New)
	reg("parse_url", types.Dynamic, func(s string) types.Value { return types.NewDynamic(ParseURL(s)) })
	alias("parseurl", "parse_url")
	reg("parse_path", types.Dynamic, func(s string) types.Value { return types.NewDynamic(ParsePath(s)) })
}
