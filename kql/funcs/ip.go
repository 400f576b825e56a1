package funcs

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

// IPv4/IPv6 functions. Addresses are strict dotted quads (four decimal
// octets 0–255) with an optional /prefix; text that does not parse gives
// null, as documented.

func ipv4Mask(prefix int) uint32 {
	if prefix <= 0 {
		return 0
	}
	return ^uint32(0) << (32 - prefix)
}

// parseIPv4Addr parses a dotted quad without prefix.
func parseIPv4Addr(s string) (uint32, bool) {
	var addr uint32
	parts := 0
	for len(s) > 0 {
		j := 0
		for j < len(s) && j < 4 && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 0 || j > 3 {
			return 0, false
		}
		n, _ := strconv.Atoi(s[:j])
		if n > 255 {
			return 0, false
		}
		addr = addr<<8 | uint32(n)
		parts++
		s = s[j:]
		if parts < 4 {
			if len(s) == 0 || s[0] != '.' {
				return 0, false
			}
			s = s[1:]
		} else if len(s) > 0 {
			return 0, false
		}
	}
	return addr, parts == 4
}

// parseIPv4Prefix parses "a.b.c.d[/n]" (surrounding spaces allowed).
func parseIPv4Prefix(s string) (addr uint32, prefix int, ok bool) {
	s = strings.TrimSpace(s)
	prefix = 32
	if i := strings.IndexByte(s, '/'); i >= 0 {
		p, err := strconv.Atoi(strings.TrimSpace(s[i+1:]))
		if err != nil || p < 0 || p > 32 {
			return 0, 0, false
		}
		prefix = p
		s = strings.TrimSpace(s[:i])
	}
	addr, ok = parseIPv4Addr(s)
	return addr, prefix, ok
}

// parseIPv6Prefix parses an IPv6 or IPv4 address with optional /prefix into
// 16 bytes (IPv4 as ::ffff:a.b.c.d, its prefix moved by 96 bits).
func parseIPv6Prefix(s string) (addr [16]byte, prefix int, ok bool) {
	s = strings.TrimSpace(s)
	if a, p, ok := parseIPv4Prefix(s); ok {
		return netip.AddrFrom4([4]byte{byte(a >> 24), byte(a >> 16), byte(a >> 8), byte(a)}).As16(), p + 96, true
	}
	prefix = 128
	if i := strings.IndexByte(s, '/'); i >= 0 {
		p, err := strconv.Atoi(strings.TrimSpace(s[i+1:]))
		if err != nil || p < 0 || p > 128 {
			return addr, 0, false
		}
		prefix = p
		s = strings.TrimSpace(s[:i])
	}
	ip, err := netip.ParseAddr(s)
	if err != nil || ip.Zone() != "" {
		return addr, 0, false
	}
	return ip.As16(), prefix, true
}

func cmp128(a, b [16]byte, prefix int) int64 {
	for i := 0; i < 16; i++ {
		bits := prefix - 8*i
		if bits <= 0 {
			return 0
		}
		m := byte(0xff)
		if bits < 8 {
			m = 0xff << (8 - bits)
		}
		x, y := a[i]&m, b[i]&m
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func minInt(xs ...int) int {
	m := xs[0]
	for _, x := range xs[1:] {
		if x < m {
			m = x
		}
	}
	return m
}

// ipCompare compares two addresses under the combined prefix (the smallest
// of the two inline prefixes and the optional argument).
func ipCompare(v6 bool, a []types.Value) (int64, bool) {
	max := 32
	if v6 {
		max = 128
	}
	p := max
	if len(a) > 2 {
		if a[2].I < 0 || a[2].I > int64(max) {
			return 0, false
		}
		p = int(a[2].I)
	}
	if v6 {
		x, px, ok1 := parseIPv6Prefix(str(a[0]))
		y, py, ok2 := parseIPv6Prefix(str(a[1]))
		if !ok1 || !ok2 {
			return 0, false
		}
		return cmp128(x, y, minInt(px, py, p)), true
	}
	x, px, ok1 := parseIPv4Prefix(str(a[0]))
	y, py, ok2 := parseIPv4Prefix(str(a[1]))
	if !ok1 || !ok2 {
		return 0, false
	}
	m := ipv4Mask(minInt(px, py, p))
	return int64(cmpInt(int64(x&m), int64(y&m))), true
}

func compileIPCompare(name string, v6, match bool) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArgs(name, args, isStringish, "a string", 0, 1); err != nil {
			return 0, nil, err
		}
		if err := checkArg(name, args, 2, isInteger, "an integer prefix"); err != nil {
			return 0, nil, err
		}
		rt := types.Long
		if match {
			rt = types.Bool
		}
		return rt, func(a []types.Value) types.Value {
			if len(a) > 2 && !a[2].Valid {
				return types.Null(rt)
			}
			c, ok := ipCompare(v6, a)
			if !ok {
				return types.Null(rt)
			}
			if match {
				return types.NewBool(c == 0)
			}
			return types.NewLong(c)
		}, nil
	}
}

func ipv4InRange(ip, rng string) (bool, bool) {
	a, _, ok1 := parseIPv4Prefix(ip)
	r, p, ok2 := parseIPv4Prefix(rng)
	if !ok1 || !ok2 {
		return false, false
	}
	m := ipv4Mask(p)
	return a&m == r&m, true
}

var privateRanges = []struct {
	addr   uint32
	prefix int
}{{10 << 24, 8}, {172<<24 | 16<<16, 12}, {192<<24 | 168<<16, 16}}

// ---- IPv4 addresses in text (has_ipv4 family) ----

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// ipv4sInText returns the properly delimited IPv4 addresses of a text: runs
// of digits and dots bounded by non-alphanumeric characters, with outer
// dots dropped, that are valid dotted quads.
func ipv4sInText(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.') {
			i++
			continue
		}
		j := i
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
			j++
		}
		if (i == 0 || !isAlnum(s[i-1])) && (j == len(s) || !isAlnum(s[j])) {
			cand := strings.Trim(s[i:j], ".")
			if _, ok := parseIPv4Addr(cand); ok {
				out = append(out, cand)
			}
		}
		i = j
	}
	return out
}

// validIPv4Prefix reports whether p is a full address or 1–3 octets each
// followed by a dot ("192.", "192.168.", "192.168.1.").
func validIPv4Prefix(p string) bool {
	if _, ok := parseIPv4Addr(p); ok {
		return true
	}
	if !strings.HasSuffix(p, ".") {
		return false
	}
	parts := strings.Split(strings.TrimSuffix(p, "."), ".")
	if len(parts) > 3 {
		return false
	}
	for _, x := range parts {
		if len(x) == 0 || len(x) > 3 {
			return false
		}
		n, err := strconv.Atoi(x)
		if err != nil || n > 255 || x[0] == '+' || x[0] == '-' {
			return false
		}
	}
	return true
}

func hasIPv4(text string, want []string, prefix bool) bool {
	var wantAddr []uint32
	var wantPrefix []string
	for _, w := range want {
		w = strings.TrimSpace(w)
		if prefix {
			if validIPv4Prefix(w) {
				wantPrefix = append(wantPrefix, w)
			}
			continue
		}
		if a, ok := parseIPv4Addr(w); ok {
			wantAddr = append(wantAddr, a)
		}
	}
	if len(wantAddr) == 0 && len(wantPrefix) == 0 {
		return false
	}
	for _, ip := range ipv4sInText(text) {
		a, _ := parseIPv4Addr(ip)
		for _, w := range wantAddr {
			if a == w {
				return true
			}
		}
		for _, w := range wantPrefix {
			if strings.HasSuffix(w, ".") && strings.HasPrefix(ip+".", w) || ip == w {
				return true
			}
		}
	}
	return false
}

// stringList flattens the trailing arguments of the *_any_* functions:
// string arguments, or one dynamic array of strings.
func stringList(a []types.Value) []string {
	var out []string
	for _, v := range a {
		if v.T == types.Dynamic {
			arr, _ := arrayOf(v)
			for _, e := range arr {
				if s, ok := e.(string); ok {
					out = append(out, s)
				}
			}
			continue
		}
		out = append(out, str(v))
	}
	return out
}

func compileHasIPv4(name string, prefix, anyOf bool) func([]Arg) (types.Type, EvalFunc, error) {
	return func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArg(name, args, 0, isStringish, "a string"); err != nil {
			return 0, nil, err
		}
		for i := 1; i < len(args); i++ {
			ok := isString
			what := "a string"
			if anyOf && len(args) == 2 {
				ok, what = isStringish, "a string or a dynamic array of strings"
			}
			if err := checkArg(name, args, i, ok, what); err != nil {
				return 0, nil, err
			}
		}
		return types.Bool, func(a []types.Value) types.Value {
			return types.NewBool(hasIPv4(str(a[0]), stringList(a[1:]), prefix))
		}, nil
	}
}

func ipFn(name string, min, max int, compile func([]Arg) (types.Type, EvalFunc, error)) {
	register(&Scalar{Name: name, MinArgs: min, MaxArgs: max, NameKind: NameNone, Compile: compile})
}

func init() {
	ipFn("parse_ipv4", 1, 1, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArg("parse_ipv4", args, 0, isStringish, "a string"); err != nil {
			return 0, nil, err
		}
		return types.Long, func(a []types.Value) types.Value {
			addr, p, ok := parseIPv4Prefix(str(a[0]))
			if !ok {
				return types.Null(types.Long)
			}
			return types.NewLong(int64(addr & ipv4Mask(p)))
		}, nil
	})
	ipFn("parse_ipv4_mask", 2, 2, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArg("parse_ipv4_mask", args, 0, isStringish, "a string"); err != nil {
			return 0, nil, err
		}
		if err := checkArg("parse_ipv4_mask", args, 1, isInteger, "an integer prefix"); err != nil {
			return 0, nil, err
		}
		return types.Long, func(a []types.Value) types.Value {
			addr, p, ok := parseIPv4Prefix(str(a[0]))
			if !ok || !a[1].Valid || a[1].I < 0 || a[1].I > 32 {
				return types.Null(types.Long)
			}
			return types.NewLong(int64(addr & ipv4Mask(minInt(p, int(a[1].I)))))
		}, nil
	})
	ipFn("ipv4_compare", 2, 3, compileIPCompare("ipv4_compare", false, false))
	ipFn("ipv4_is_match", 2, 3, compileIPCompare("ipv4_is_match", false, true))
	ipFn("ipv6_compare", 2, 3, compileIPCompare("ipv6_compare", true, false))
	ipFn("ipv6_is_match", 2, 3, compileIPCompare("ipv6_is_match", true, true))
	ipFn("ipv4_is_in_range", 2, 2, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArgs("ipv4_is_in_range", args, isStringish, "a string", 0, 1); err != nil {
			return 0, nil, err
		}
		return types.Bool, func(a []types.Value) types.Value {
			in, ok := ipv4InRange(str(a[0]), str(a[1]))
			if !ok {
				return types.Null(types.Bool)
			}
			return types.NewBool(in)
		}, nil
	})
	ipFn("ipv4_is_in_any_range", 2, -1, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArg("ipv4_is_in_any_range", args, 0, isStringish, "a string"); err != nil {
			return 0, nil, err
		}
		for i := 1; i < len(args); i++ {
			if args[i].Type == types.Dynamic && len(args) == 2 {
				continue
			}
			if err := checkArg("ipv4_is_in_any_range", args, i, isString, "a string (or one dynamic array of ranges)"); err != nil {
				return 0, nil, err
			}
		}
		return types.Bool, func(a []types.Value) types.Value {
			ip := str(a[0])
			if _, _, ok := parseIPv4Prefix(ip); !ok {
				return types.Null(types.Bool)
			}
			found := false
			for _, r := range stringList(a[1:]) {
				in, ok := ipv4InRange(ip, r)
				if !ok {
					return types.Null(types.Bool)
				}
				found = found || in
			}
			return types.NewBool(found)
		}, nil
	})
	ipFn("ipv4_is_private", 1, 1, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArg("ipv4_is_private", args, 0, isStringish, "a string"); err != nil {
			return 0, nil, err
		}
		return types.Bool, func(a []types.Value) types.Value {
			addr, _, ok := parseIPv4Prefix(str(a[0]))
			if !ok {
				return types.Null(types.Bool)
			}
			for _, r := range privateRanges {
				if addr&ipv4Mask(r.prefix) == r.addr {
					return types.NewBool(true)
				}
			}
			return types.NewBool(false)
		}, nil
	})
	ipFn("ipv4_netmask_suffix", 1, 1, func(args []Arg) (types.Type, EvalFunc, error) {
		if err := checkArg("ipv4_netmask_suffix", args, 0, isStringish, "a string"); err != nil {
			return 0, nil, err
		}
		return types.Long, func(a []types.Value) types.Value {
			_, p, ok := parseIPv4Prefix(str(a[0]))
			if !ok {
				return types.Null(types.Long)
			}
			return types.NewLong(int64(p))
		}, nil
	})
	ipFn("has_ipv4", 2, 2, compileHasIPv4("has_ipv4", false, false))
	ipFn("has_ipv4_prefix", 2, 2, compileHasIPv4("has_ipv4_prefix", true, false))
	ipFn("has_any_ipv4", 2, -1, compileHasIPv4("has_any_ipv4", false, true))
	ipFn("has_any_ipv4_prefix", 2, -1, compileHasIPv4("has_any_ipv4_prefix", true, true))
}
