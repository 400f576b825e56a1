package funcs

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Kusto's regex dialect is RE2-family like Go's, but its \d, \s and \w are
// Unicode-aware. TranslateRegex rewrites those classes, turns \uXXXX escapes
// into Go's \x{...}, and rejects constructs Go cannot express faithfully.
func TranslateRegex(pat string) (string, error) {
	var sb strings.Builder
	inClass := false
	for i := 0; i < len(pat); i++ {
		c := pat[i]
		if c == '[' && !inClass {
			inClass = true
			sb.WriteByte(c)
			// a leading ] or ^] is literal
			if i+1 < len(pat) && pat[i+1] == '^' {
				sb.WriteByte('^')
				i++
			}
			if i+1 < len(pat) && pat[i+1] == ']' {
				sb.WriteByte(']')
				i++
			}
			continue
		}
		if inClass {
			if c == '[' && i+1 < len(pat) && pat[i+1] == ':' {
				end := strings.Index(pat[i:], ":]")
				if end > 0 {
					sb.WriteString(pat[i : i+end+2])
					i += end + 1
					continue
				}
			}
			if c == '[' {
				return "", fmt.Errorf("unsupported regex construct: nested character class at offset %d", i)
			}
			if (c == '&' || c == '-' || c == '~') && i+1 < len(pat) && pat[i+1] == c && c != '-' {
				return "", fmt.Errorf("unsupported regex construct: class set operation %q", pat[i:i+2])
			}
			if c == ']' {
				inClass = false
			}
		}
		if c != '\\' || i+1 >= len(pat) {
			sb.WriteByte(c)
			continue
		}
		n := pat[i+1]
		i++
		switch n {
		case 'd':
			if inClass {
				sb.WriteString(`\p{Nd}`)
			} else {
				sb.WriteString(`\p{Nd}`)
			}
		case 'D':
			if inClass {
				sb.WriteString(`\P{Nd}`)
			} else {
				sb.WriteString(`\P{Nd}`)
			}
		case 's':
			if inClass {
				sb.WriteString(spaceClassBody)
			} else {
				sb.WriteString("[" + spaceClassBody + "]")
			}
		case 'S':
			if inClass {
				return "", fmt.Errorf(`unsupported regex construct: \S inside a character class`)
			}
			sb.WriteString("[^" + spaceClassBody + "]")
		case 'w':
			if inClass {
				sb.WriteString(wordClassBody)
			} else {
				sb.WriteString("[" + wordClassBody + "]")
			}
		case 'W':
			if inClass {
				return "", fmt.Errorf(`unsupported regex construct: \W inside a character class`)
			}
			sb.WriteString("[^" + wordClassBody + "]")
		case '<', '>':
			return "", fmt.Errorf(`unsupported regex construct: \%c`, n)
		case 'b', 'B':
			if i+1 < len(pat) && pat[i+1] == '{' {
				return "", fmt.Errorf(`unsupported regex construct: \%c{...}`, n)
			}
			sb.WriteByte('\\')
			sb.WriteByte(n)
		case 'u', 'U':
			width := 4
			if n == 'U' {
				width = 8
			}
			if i+1 < len(pat) && pat[i+1] == '{' {
				end := strings.IndexByte(pat[i:], '}')
				if end < 0 {
					return "", fmt.Errorf(`bad \%c escape`, n)
				}
				sb.WriteString(`\x` + pat[i+1:i+end+1])
				i += end
				continue
			}
			if i+width >= len(pat)+0 && i+width > len(pat)-1+1 {
				return "", fmt.Errorf(`bad \%c escape`, n)
			}
			if i+1+width > len(pat) {
				return "", fmt.Errorf(`bad \%c escape`, n)
			}
			sb.WriteString(`\x{` + pat[i+1:i+1+width] + `}`)
			i += width
		default:
			sb.WriteByte('\\')
			sb.WriteByte(n)
		}
	}
	out := sb.String()
	if strings.Contains(out, "(?x") || strings.Contains(out, "(?R") {
		return "", fmt.Errorf("unsupported regex flag (x or R)")
	}
	return out, nil
}

const spaceClassBody = `\t\n\v\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}`
const wordClassBody = `\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\x{200C}\x{200D}`

var regexCache sync.Map

// CompileRegex translates and compiles a Kusto regex, caching the result.
func CompileRegex(pat string) (*regexp.Regexp, error) {
	if re, ok := regexCache.Load(pat); ok {
		return re.(*regexp.Regexp), nil
	}
	g, err := TranslateRegex(pat)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(g)
	if err != nil {
		return nil, fmt.Errorf("invalid regex %q: %v", pat, err)
	}
	regexCache.Store(pat, re)
	return re, nil
}

// TranslateReplacement turns a Kusto rewrite string (\1 group references)
// into Go's Expand syntax (${1}), escaping literal $.
func TranslateReplacement(s string) string {
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '$':
			sb.WriteString("$$")
		case c == '\\' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
			j := i + 1
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			sb.WriteString("${" + s[i+1:j] + "}")
			i = j - 1
		default:
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

var goRegexCache sync.Map

// CompileRegexGo compiles an already-translated Go pattern, cached.
func CompileRegexGo(pat string) (*regexp.Regexp, error) {
	if re, ok := goRegexCache.Load(pat); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile(pat)
	if err != nil {
		return nil, err
	}
	goRegexCache.Store(pat, re)
	return re, nil
}
