package syntax

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/rmmhunt/rmmhunt/internal/testutil"
)

type oracleRecord struct {
	ID    string `json:"id"`
	KQL   string `json:"kql"`
	Kusto struct {
		Error string `json:"error"`
	} `json:"kusto"`
}

// oracleExotic lists syntax this parser rejects on purpose; oracle cases
// that use it are not counted as failures.
var oracleExotic = []string{"| scan "}

// TestOracle parses every query of the real-engine oracle. Queries that the
// real engine ran without error must parse (except for the exotic syntax
// above); queries that failed may fail or not (most fail at bind time).
func TestOracle(t *testing.T) {
	dir := testutil.SharedDir(t, "conformance/kusto-oracle")
	recs := readJSONL[oracleRecord](t, filepath.Join(dir, "oracle.jsonl"))
	var good, goodOK, exotic, bad, badRejected int
	for _, r := range recs {
		q, errs := Parse(r.KQL, Options{})
		if r.Kusto.Error != "" {
			bad++
			if len(errs) > 0 {
				badRejected++
			}
			continue
		}
		isExotic := false
		for _, s := range oracleExotic {
			if strings.Contains(r.KQL, s) {
				isExotic = true
			}
		}
		if isExotic {
			exotic++
			continue
		}
		good++
		if len(errs) > 0 {
			t.Errorf("%s: %s\n    %s", r.ID, errs[0].Detail(), r.KQL)
			continue
		}
		goodOK++
		checkRoundTrip(t, r.ID, r.KQL, q)
	}
	t.Logf("oracle: %d/%d error-free queries parse (%d more use rejected syntax: scan); %d/%d queries the engine rejected are also rejected by the parser",
		goodOK, good, exotic, badRejected, bad)
}
