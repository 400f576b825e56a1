package engine

import (
	"reflect"

	"github.com/rmmhunt/rmmhunt/kql/syntax"
)

var nodeType = reflect.TypeOf((*syntax.Node)(nil)).Elem()

// inspect calls f for n and, while f returns true, for every AST node
// reachable from n's exported fields (depth first). It uses reflection so it
// stays correct as the AST grows.
func inspect(n syntax.Node, f func(syntax.Node) bool) {
	if n == nil || reflect.ValueOf(n).IsNil() {
		return
	}
	if !f(n) {
		return
	}
	walkValue(reflect.ValueOf(n), f)
}

func walkValue(v reflect.Value, f func(syntax.Node) bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return
	}
	for i := 0; i < v.NumField(); i++ {
		if !v.Type().Field(i).IsExported() {
			continue
		}
		fv := v.Field(i)
		switch fv.Kind() {
		case reflect.Pointer, reflect.Interface:
			if fv.IsNil() {
				continue
			}
			if fv.Type().Implements(nodeType) {
				if n, ok := fv.Interface().(syntax.Node); ok {
					inspect(n, f)
				}
			}
		case reflect.Slice:
			for j := 0; j < fv.Len(); j++ {
				e := fv.Index(j)
				if (e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface) && !e.IsNil() && e.Type().Implements(nodeType) {
					if n, ok := e.Interface().(syntax.Node); ok {
						inspect(n, f)
					}
				}
			}
		}
	}
}
