package funcs

import (
	"testing"

	"github.com/rmmhunt/rmmhunt/kql/types"
)

func TestVectorsEncodingAndHashes(t *testing.T) {
	runVectors(t, []vec{
		{fn: "base64_encode_tostring", args: []types.Value{S("Kusto1")}, want: "string:S3VzdG8x"},
		{fn: "base64_encode_tostring", args: []types.Value{S("café 😀")}, want: "string:Y2Fmw6kg8J+YgA=="},
		{fn: "base64_encode_tostring", args: []types.Value{S("")}, want: "string:"},
		{fn: "base64_decode_tostring", args: []types.Value{S("S3VzdG8x")}, want: "string:Kusto1"},
		{fn: "base64_decode_tostring", args: []types.Value{S("Y2Fmw6kg8J+YgA==")}, want: "string:café 😀"},
		{fn: "base64_decode_tostring", args: []types.Value{S("S3Vz\r\ndG8x")}, want: "string:Kusto1"},
		// 0xFF is not UTF-8: null, which for a string is "".
		{fn: "base64_decode_tostring", args: []types.Value{S("/w==")}, want: "string:"},
		{fn: "base64_decode_tostring", args: []types.Value{S("S3VzdG8")}, want: "string:"},
		{fn: "base64_decode_tostring", args: []types.Value{S("not base64!")}, want: "string:"},
		// PowerShell -EncodedCommand text is UTF-16LE: ASCII survives with NULs.
		{fn: "base64_decode_tostring", args: []types.Value{S("ZABpAHIA")}, want: "string:d\x00i\x00r\x00"},
		{fn: "base64_decode_toarray", args: []types.Value{S("S3VzdG8x")}, want: "dynamic:[75,117,115,116,111,49]"},
		{fn: "base64_decode_toarray", args: []types.Value{S("!")}, want: "dynamic(null)"},
		{fn: "hash_md5", args: []types.Value{S("World")}, want: "string:f5a7924e621e84c9280a9a27e1bcb7f6"},
		{fn: "hash_sha1", args: []types.Value{S("World")}, want: "string:70c07ec18ef89c5309bbb0937f3a6342411e1fdd"},
		{fn: "hash_sha256", args: []types.Value{S("World")}, want: "string:78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524"},
		{fn: "hash_sha256", args: []types.Value{L(1)}, err: "only string arguments"},
	})
}

func TestVectorsParseURL(t *testing.T) {
	runVectors(t, []vec{
		{fn: "parse_url", args: []types.Value{S("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment")},
			want: `dynamic:{"Scheme":"scheme","Host":"host","Port":"1234","Path":"/this/is/a/path","Username":"username","Password":"password","Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"fragment"}`},
		{fn: "parse_url", args: []types.Value{S("https://www.bing.com/search?q=tracking+the+adversary&qs=AS")},
			want: `dynamic:{"Scheme":"https","Host":"www.bing.com","Port":"","Path":"/search","Username":"","Password":"","Query Parameters":{"q":"tracking the adversary","qs":"AS"},"Fragment":""}`},
		{fn: "parse_url", args: []types.Value{S("https://nam.safelinks.protection.outlook.com/?url=https%3A%2F%2Fevil.example%2Fx&data=1")},
			want: `dynamic:{"Scheme":"https","Host":"nam.safelinks.protection.outlook.com","Port":"","Path":"/","Username":"","Password":"","Query Parameters":{"url":"https://evil.example/x","data":"1"},"Fragment":""}`},
		{fn: "parse_url", args: []types.Value{S("http://[fe80::1]:8080/a")},
			want: `dynamic:{"Scheme":"http","Host":"[fe80::1]","Port":"8080","Path":"/a","Username":"","Password":"","Query Parameters":{},"Fragment":""}`},
		{fn: "parse_url", args: []types.Value{S("www.bing.com/search")},
			want: `dynamic:{"Scheme":"","Host":"","Port":"","Path":"","Username":"","Password":"","Query Parameters":{},"Fragment":""}`},
		{fn: "parse_url", args: []types.Value{L(1)}, err: "must be a string"},
	})
}

func TestVectorsParsePath(t *testing.T) {
	p := func(path, want string) vec {
		return vec{fn: "parse_path", args: []types.Value{S(path)}, want: "dynamic:" + want}
	}
	runVectors(t, []vec{
		p(`C:\temp\file.txt`, `{"Scheme":"","RootPath":"C:","DirectoryPath":"C:\\temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`),
		p(`temp\file.txt`, `{"Scheme":"","RootPath":"","DirectoryPath":"temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`),
		p("file://C:/temp/file.txt:some.exe", `{"Scheme":"file","RootPath":"C:","DirectoryPath":"C:/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":"some.exe"}`),
		p(`\\shared\users\temp\file.txt.gz`, `{"Scheme":"","RootPath":"","DirectoryPath":"\\\\shared\\users\\temp","DirectoryName":"temp","Filename":"file.txt.gz","Extension":"gz","AlternateDataStreamName":""}`),
		p("/usr/lib/temp/file.txt", `{"Scheme":"","RootPath":"","DirectoryPath":"/usr/lib/temp","DirectoryName":"temp","Filename":"file.txt","Extension":"txt","AlternateDataStreamName":""}`),
	})
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"https://a.b/c?d=e#f", "x://@:/", "http://[::1", "://", "a?b=%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := ParseURL(s)
		if b.Len() != len(urlKeys) {
			t.Fatalf("ParseURL(%q) has %d keys", s, b.Len())
		}
		for i, k := range urlKeys {
			if b.Keys[i] != k {
				t.Fatalf("key %d is %q, want %q", i, b.Keys[i], k)
			}
		}
	})
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{`C:\a\b.txt`, `\\?\C:\x`, "file://a:b", ":", "a.b.c", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if b := ParsePath(s); b.Len() != 7 {
			t.Fatalf("ParsePath(%q) has %d keys", s, b.Len())
		}
	})
}

func FuzzDecodeBase64(f *testing.F) {
	for _, s := range []string{"S3VzdG8x", "/w==", "", " = "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, ok := decodeBase64(s)
		if !ok {
			return
		}
		if _, ok2 := decodeBase64(string(encodeStd(b))); !ok2 {
			t.Fatalf("re-encoding of %q does not decode", s)
		}
	})
}

func encodeStd(b []byte) []byte {
	_, eval, _ := func() (types.Type, EvalFunc, error) {
		s, _ := LookupScalar("base64_encode_tostring")
		return s.Compile([]Arg{{Type: types.String}})
	}()
	return []byte(eval([]types.Value{S(string(b))}).S)
}
