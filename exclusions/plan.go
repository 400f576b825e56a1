package exclusions

import (
	"errors"
	"strings"
	"time"
)

// RulePlan is what the engine needs to apply a Set's exclusions to one rule.
type RulePlan struct {
	RuleID string
	Table  string
	// Active are the exclusions that apply, in file order, each compiled for
	// the rule's table.
	Active []*Compiled
	// Expired are the exclusions that name the rule but expired before now;
	// they do not apply and should be reported.
	Expired []*Exclusion
	// Inapplicable are the exclusions that name the rule but can exclude no
	// event of its table (every comparison that mattered names a field the
	// table lacks).
	Inapplicable []*Compiled
}

// ForRule selects and compiles the exclusions of the set that apply to a rule
// (by id or name, or "*") whose query reads table, as of now. Compile errors
// of every exclusion are collected into one ErrorList.
func (s *Set) ForRule(ruleID, ruleName, table string, sch Schema, now time.Time) (*RulePlan, error) {
	p := &RulePlan{RuleID: ruleID, Table: table}
	var errs ErrorList
	for _, e := range s.Exclusions {
		if !e.AppliesTo(ruleID, ruleName) {
			continue
		}
		if e.Expired(now) {
			p.Expired = append(p.Expired, e)
			continue
		}
		c, err := e.Compile(table, sch)
		if err != nil {
			var el ErrorList
			if errors.As(err, &el) {
				errs = append(errs, el...)
			} else {
				errs.Add(e.ExprPos, e.ID, "%v", err)
			}
			continue
		}
		if c.Never {
			p.Inapplicable = append(p.Inapplicable, c)
			continue
		}
		p.Active = append(p.Active, c)
	}
	errs.Sort()
	return p, errs.Err()
}

// SuppressExpr is the KQL predicate true for the events some active
// exclusion excludes: (P1) or (P2) or …; "" when no exclusion is active. To
// name the exclusions responsible for a suppressed event, evaluate each
// Active[i].KQL on it.
func (p *RulePlan) SuppressExpr() string {
	if len(p.Active) == 0 {
		return ""
	}
	parts := make([]string, len(p.Active))
	for i, c := range p.Active {
		parts[i] = "(" + c.KQL + ")"
	}
	return strings.Join(parts, " or ")
}

// KeepExpr is the KQL predicate for the events no active exclusion excludes:
// not(iff(SuppressExpr, true, false)); "" when no exclusion is active. The
// iff matters: a comparison on a null number (RemotePort == 139 where
// RemotePort is null) is null in KQL, and not(null) would drop the event
// from both sides. With iff a null predicate counts as "not excluded", so
// every event is either kept or suppressed, never lost.
func (p *RulePlan) KeepExpr() string {
	s := p.SuppressExpr()
	if s == "" {
		return ""
	}
	return "not(iff(" + s + ", true, false))"
}

// Without returns a set holding the exclusions of s except those whose ids
// are listed (for example the ones with lint errors, which hunt refuses to
// apply unless told otherwise).
func (s *Set) Without(ids ...string) *Set {
	drop := map[string]bool{}
	for _, id := range ids {
		drop[id] = true
	}
	out := &Set{Files: s.Files}
	for _, e := range s.Exclusions {
		if !drop[e.ID] {
			out.Exclusions = append(out.Exclusions, e)
		}
	}
	return out
}
