package funcs

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func TestVectorsIPv4(t *testing.T) {
	runVectors(t, []vec{
		{fn: "parse_ipv4", args: []types.Value{S("192.168.1.1")}, want: "long:3232235777"},
		{fn: "parse_ipv4", args: []types.Value{S("192.168.1.1/24")}, want: "long:3232235776"},
		{fn: "parse_ipv4", args: []types.Value{S("255.255.255.255/31")}, want: "long:4294967294"},
		{fn: "parse_ipv4", args: []types.Value{S("127.0.0.256")}, want: "long(null)"},
		{fn: "parse_ipv4", args: []types.Value{S("1.2.3")}, want: "long(null)"},
		{fn: "parse_ipv4", args: []types.Value{S("1.2.3.4/33")}, want: "long(null)"},
		{fn: "parse_ipv4", args: []types.Value{S("")}, want: "long(null)"},
		{fn: "parse_ipv4", args: []types.Value{L(1)}, err: "must be a string"},
		{fn: "parse_ipv4_mask", args: []types.Value{S("192.168.1.255"), L(24)}, want: "long:3232235776"},
		{fn: "parse_ipv4_mask", args: []types.Value{S("192.168.1.255/16"), L(24)}, want: "long:3232235520"},
		{fn: "parse_ipv4_mask", args: []types.Value{S("192.168.1.255"), L(40)}, want: "long(null)"},
		{fn: "ipv4_compare", args: []types.Value{S("192.168.1.0"), S("192.168.1.0")}, want: "long:0"},
		{fn: "ipv4_compare", args: []types.Value{S("192.168.1.1/24"), S("192.168.1.255")}, want: "long:0"},
		{fn: "ipv4_compare", args: []types.Value{S("192.168.1.1"), S("192.168.1.255/24")}, want: "long:0"},
		{fn: "ipv4_compare", args: []types.Value{S("192.168.1.1/30"), S("192.168.1.255/24")}, want: "long:0"},
		{fn: "ipv4_compare", args: []types.Value{S("192.168.1.1"), S("192.168.1.0"), L(31)}, want: "long:0"},
		{fn: "ipv4_compare", args: []types.Value{S("192.168.1.1/24"), S("192.168.1.255"), L(31)}, want: "long:0"},
		{fn: "ipv4_compare", args: []types.Value{S("192.168.1.1"), S("192.168.1.255"), L(24)}, want: "long:0"},
		{fn: "ipv4_compare", args: []types.Value{S("192.168.1.1"), S("192.168.1.2")}, want: "long:-1"},
		{fn: "ipv4_compare", args: []types.Value{S("200.0.0.1"), S("10.0.0.1")}, want: "long:1"},
		{fn: "ipv4_compare", args: []types.Value{S("x"), S("10.0.0.1")}, want: "long(null)"},
		{fn: "ipv4_is_match", args: []types.Value{S("192.168.1.1/24"), S("192.168.1.255")}, want: "bool:True"},
		{fn: "ipv4_is_match", args: []types.Value{S("192.168.1.1"), S("192.168.1.255")}, want: "bool:False"},
		{fn: "ipv4_is_in_range", args: []types.Value{S("192.168.1.1"), S("192.168.1.1")}, want: "bool:True"},
		{fn: "ipv4_is_in_range", args: []types.Value{S("192.168.1.1"), S("192.168.1.255/24")}, want: "bool:True"},
		{fn: "ipv4_is_in_range", args: []types.Value{S("192.168.2.1"), S("192.168.1.255/24")}, want: "bool:False"},
		{fn: "ipv4_is_in_range", args: []types.Value{S("bad"), S("10.0.0.0/8")}, want: "bool(null)"},
		{fn: "ipv4_is_in_any_range", args: []types.Value{S("192.168.1.6"), S("10.0.0.0/8"), S("192.168.1.0/24")}, want: "bool:True"},
		{fn: "ipv4_is_in_any_range", args: []types.Value{S("192.168.1.6"), dyn(`["10.0.0.0/8","172.16.0.0/12"]`)}, want: "bool:False"},
		{fn: "ipv4_is_in_any_range", args: []types.Value{S("x"), S("10.0.0.0/8")}, want: "bool(null)"},
		{fn: "ipv4_is_private", args: []types.Value{S("192.168.1.1/24")}, want: "bool:True"},
		{fn: "ipv4_is_private", args: []types.Value{S("10.1.2.3/24")}, want: "bool:True"},
		{fn: "ipv4_is_private", args: []types.Value{S("10.1.2.3")}, want: "bool:True"},
		{fn: "ipv4_is_private", args: []types.Value{S("172.31.255.255")}, want: "bool:True"},
		{fn: "ipv4_is_private", args: []types.Value{S("172.32.0.1")}, want: "bool:False"},
		{fn: "ipv4_is_private", args: []types.Value{S("202.1.2.3")}, want: "bool:False"},
		{fn: "ipv4_is_private", args: []types.Value{S("127.0.0.1")}, want: "bool:False"},
		{fn: "ipv4_is_private", args: []types.Value{S("fe80::1")}, want: "bool(null)"},
		{fn: "ipv4_is_private", args: []types.Value{S("")}, want: "bool(null)"},
		{fn: "ipv4_netmask_suffix", args: []types.Value{S("10.1.2.3")}, want: "long:32"},
		{fn: "ipv4_netmask_suffix", args: []types.Value{S("192.168.1.1/24")}, want: "long:24"},
		{fn: "ipv4_netmask_suffix", args: []types.Value{S("127.0.0.1/16")}, want: "long:16"},
		{fn: "ipv4_netmask_suffix", args: []types.Value{S("127.0.0.1/")}, want: "long(null)"},
	})
}

func TestVectorsIPv6(t *testing.T) {
	eq := func(a, b string) vec {
		return vec{fn: "ipv6_compare", args: []types.Value{S(a), S(b)}, want: "long:0"}
	}
	eqp := func(a, b string, p int64) vec {
		return vec{fn: "ipv6_compare", args: []types.Value{S(a), S(b), L(p)}, want: "long:0"}
	}
	runVectors(t, []vec{
		eq("192.168.1.1", "192.168.1.1"),
		eq("192.168.1.1/24", "192.168.1.255"),
		eq("192.168.1.1", "192.168.1.255/24"),
		eq("192.168.1.1/30", "192.168.1.255/24"),
		eq("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7994"),
		eq("fe80::85d:e82c:9446:7994/120", "fe80::85d:e82c:9446:7998"),
		eq("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7998/120"),
		eq("fe80::85d:e82c:9446:7994/120", "fe80::85d:e82c:9446:7998/120"),
		eq("192.168.1.1", "::ffff:c0a8:0101"),
		eq("192.168.1.1/24", "::ffff:c0a8:01ff"),
		eq("::ffff:c0a8:0101", "192.168.1.255/24"),
		eq("::192.168.1.1/30", "192.168.1.255/24"),
		eqp("192.168.1.1", "192.168.1.0", 31),
		eqp("192.168.1.1/24", "192.168.1.255", 31),
		eqp("192.168.1.1", "192.168.1.255", 24),
		eqp("fe80::85d:e82c:9446:7994", "fe80::85d:e82c:9446:7995", 127),
		eqp("fe80::85d:e82c:9446:7994/127", "fe80::85d:e82c:9446:7998", 120),
		eqp("fe80::85d:e82c:9446:7994/120", "fe80::85d:e82c:9446:7998", 127),
		eqp("192.168.1.1/24", "::ffff:c0a8:01ff", 127),
		eqp("::ffff:c0a8:0101", "192.168.1.255", 120),
		eqp("::192.168.1.1/30", "192.168.1.255/24", 127),
		{fn: "ipv6_compare", args: []types.Value{S("fe80::1"), S("fe80::2")}, want: "long:-1"},
		{fn: "ipv6_compare", args: []types.Value{S("fe80::1"), S("nope")}, want: "long(null)"},
		{fn: "ipv6_is_match", args: []types.Value{S("fe80::85d:e82c:9446:7994/120"), S("fe80::85d:e82c:9446:7998")}, want: "bool:True"},
		{fn: "ipv6_is_match", args: []types.Value{S("fe80::1"), S("fe80::2")}, want: "bool:False"},
	})
}

func TestVectorsHasIPv4(t *testing.T) {
	h := func(fn, text string, want bool, ips ...types.Value) vec {
		w := "bool:False"
		if want {
			w = "bool:True"
		}
		return vec{fn: fn, args: append([]types.Value{S(text)}, ips...), want: w}
	}
	log := "05:04:54 127.0.0.1 GET /favicon.ico 404"
	runVectors(t, []vec{
		h("has_ipv4", log, true, S("127.0.0.1")),
		h("has_ipv4", "05:04:54 127.0.0.256 GET /favicon.ico 404", false, S("127.0.0.256")),
		h("has_ipv4", "05:04:54127.0.0.1 GET /favicon.ico 404", false, S("127.0.0.1")),
		h("has_ipv4", "These requests came from: 192.168.1.1, 10.1.1.115 and 10.1.1.201", true, S("10.1.1.115")),
		h("has_ipv4", "from 10.1.1.115.", true, S("10.1.1.115")),
		h("has_ipv4", "from 10.1.1.1155", false, S("10.1.1.115")),
		h("has_ipv4", "v1.2.3.4", false, S("1.2.3.4")),
		h("has_ipv4_prefix", log, true, S("127.0.")),
		h("has_ipv4_prefix", log, false, S("127.0")),
		h("has_ipv4_prefix", "05:04:54 127.0.0.256 GET /favicon.ico 404", false, S("127.0.")),
		h("has_ipv4_prefix", "05:04:54127.0.0.1 GET /favicon.ico 404", false, S("127.0.")),
		h("has_ipv4_prefix", "at 127.0.0.10 now", false, S("127.0.0.1")),
		h("has_ipv4_prefix", "at 127.0.0.10 now", true, S("127.0.0.")),
		h("has_any_ipv4", log, true, S("10.0.0.1"), S("127.0.0.1")),
		h("has_any_ipv4", log, true, dyn(`["10.0.0.1","127.0.0.1"]`)),
		h("has_any_ipv4", log, false, dyn(`["10.0.0.1"]`)),
		h("has_any_ipv4_prefix", log, true, S("10."), S("127.")),
		{fn: "has_ipv4", args: []types.Value{S("x"), L(1)}, err: "must be a string"},
	})
}

func FuzzParseIPv4Prefix(f *testing.F) {
	for _, s := range []string{"1.2.3.4", "1.2.3.4/24", "255.255.255.255/32", "1.2.3", "01.2.3.4", " 1.2.3.4 / 8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, p, ok := parseIPv4Prefix(s)
		if !ok {
			return
		}
		if p < 0 || p > 32 {
			t.Fatalf("prefix %d out of range for %q", p, s)
		}
		// The dotted form of the address parses back to itself.
		back := []byte{}
		for i := 3; i >= 0; i-- {
			back = append(back, []byte(itoa(int(a>>(8*i)&0xff)))...)
			if i > 0 {
				back = append(back, '.')
			}
		}
		if b, ok := parseIPv4Addr(string(back)); !ok || b != a {
			t.Fatalf("round trip of %q failed", s)
		}
		_ = ipv4sInText(s)
	})
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func FuzzIPv4sInText(f *testing.F) {
	for _, s := range []string{"a 1.2.3.4 b", "1.2.3.4.5", "..1.2.3.4..", "x1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, ip := range ipv4sInText(s) {
			if _, ok := parseIPv4Addr(ip); !ok {
				t.Fatalf("ipv4sInText(%q) returned invalid %q", s, ip)
			}
		}
	})
}
