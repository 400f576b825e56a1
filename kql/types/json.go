package types

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
)

// ParseJSON parses JSON text into a dynamic payload, keeping the key order of
// objects and telling integers (int64) from reals (float64), as Kusto's
// parse_json does. It returns an error for text that is not one JSON value.
func ParseJSON(text string) (any, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("extra data after JSON value")
	}
	return v, nil
}

// ParseJSONBytes is ParseJSON over bytes.
func ParseJSONBytes(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("extra data after JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	return decodeFrom(dec, tok)
}

func decodeFrom(dec *json.Decoder, tok json.Token) (any, error) {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			bag := NewBag()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, ok := kt.(string)
				if !ok {
					return nil, errors.New("object key is not a string")
				}
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				bag.Set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return bag, nil
		case '[':
			arr := []any{}
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, v)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		}
		return nil, errors.New("unexpected delimiter")
	case json.Number:
		return NumberToDynamic(string(t))
	case string, bool, nil:
		return t, nil
	}
	return nil, errors.New("unexpected JSON token")
}

// NumberToDynamic converts JSON number text to int64 when it is an integer
// that fits, else float64.
func NumberToDynamic(s string) (any, error) {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// FromGo converts a value decoded by encoding/json (map[string]any,
// []any, json.Number, float64, string, bool, nil) into a dynamic payload.
// Map keys are sorted since Go maps have no order.
func FromGo(x any) any {
	switch t := x.(type) {
	case map[string]any:
		b := NewBag()
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b.Set(k, FromGo(t[k]))
		}
		return b
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = FromGo(e)
		}
		return out
	case json.Number:
		v, err := NumberToDynamic(string(t))
		if err != nil {
			return string(t)
		}
		return v
	case float64:
		if t == float64(int64(t)) && t < 1e15 && t > -1e15 {
			return int64(t)
		}
		return t
	case int:
		return int64(t)
	case int64, string, bool, nil, *Bag:
		return t
	}
	return nil
}
