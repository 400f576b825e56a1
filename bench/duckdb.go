package main

import (
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// Explicit column lists for read_json, in the generator's column order, with
// DuckDB types matching the Kusto schema (datetime → TIMESTAMP_NS so that the
// 7th fraction digit survives; int → INTEGER; long → BIGINT; dynamic → JSON).
var tableColumns = map[string][][2]string{
	"DeviceNetworkEvents": {
		{"Timestamp", "TIMESTAMP_NS"}, {"DeviceId", "VARCHAR"}, {"DeviceName", "VARCHAR"}, {"ActionType", "VARCHAR"},
		{"RemoteIP", "VARCHAR"}, {"RemotePort", "INTEGER"}, {"RemoteUrl", "VARCHAR"}, {"LocalIP", "VARCHAR"}, {"LocalPort", "INTEGER"},
		{"Protocol", "VARCHAR"}, {"LocalIPType", "VARCHAR"}, {"RemoteIPType", "VARCHAR"},
		{"InitiatingProcessSHA1", "VARCHAR"}, {"InitiatingProcessSHA256", "VARCHAR"}, {"InitiatingProcessMD5", "VARCHAR"},
		{"InitiatingProcessFileName", "VARCHAR"}, {"InitiatingProcessFileSize", "BIGINT"},
		{"InitiatingProcessVersionInfoCompanyName", "VARCHAR"}, {"InitiatingProcessVersionInfoProductName", "VARCHAR"},
		{"InitiatingProcessVersionInfoProductVersion", "VARCHAR"}, {"InitiatingProcessVersionInfoInternalFileName", "VARCHAR"},
		{"InitiatingProcessVersionInfoOriginalFileName", "VARCHAR"}, {"InitiatingProcessVersionInfoFileDescription", "VARCHAR"},
		{"InitiatingProcessId", "BIGINT"}, {"InitiatingProcessCommandLine", "VARCHAR"}, {"InitiatingProcessCreationTime", "TIMESTAMP_NS"},
		{"InitiatingProcessFolderPath", "VARCHAR"}, {"InitiatingProcessParentFileName", "VARCHAR"}, {"InitiatingProcessParentId", "BIGINT"},
		{"InitiatingProcessParentCreationTime", "TIMESTAMP_NS"}, {"InitiatingProcessAccountDomain", "VARCHAR"},
		{"InitiatingProcessAccountName", "VARCHAR"}, {"InitiatingProcessAccountSid", "VARCHAR"}, {"InitiatingProcessAccountUpn", "VARCHAR"},
		{"InitiatingProcessAccountObjectId", "VARCHAR"}, {"InitiatingProcessIntegrityLevel", "VARCHAR"},
		{"InitiatingProcessTokenElevation", "VARCHAR"}, {"ReportId", "BIGINT"}, {"AppGuardContainerId", "VARCHAR"},
		{"AdditionalFields", "JSON"},
	},
	"DeviceProcessEvents": {
		{"Timestamp", "TIMESTAMP_NS"}, {"DeviceId", "VARCHAR"}, {"DeviceName", "VARCHAR"}, {"ActionType", "VARCHAR"},
		{"FileName", "VARCHAR"}, {"FolderPath", "VARCHAR"}, {"SHA1", "VARCHAR"}, {"SHA256", "VARCHAR"}, {"MD5", "VARCHAR"},
		{"FileSize", "BIGINT"}, {"ProcessVersionInfoCompanyName", "VARCHAR"}, {"ProcessVersionInfoProductName", "VARCHAR"},
		{"ProcessVersionInfoProductVersion", "VARCHAR"}, {"ProcessVersionInfoInternalFileName", "VARCHAR"},
		{"ProcessVersionInfoOriginalFileName", "VARCHAR"}, {"ProcessVersionInfoFileDescription", "VARCHAR"},
		{"ProcessId", "BIGINT"}, {"ProcessCommandLine", "VARCHAR"}, {"ProcessIntegrityLevel", "VARCHAR"},
		{"ProcessTokenElevation", "VARCHAR"}, {"ProcessCreationTime", "TIMESTAMP_NS"}, {"AccountDomain", "VARCHAR"},
		{"AccountName", "VARCHAR"}, {"AccountSid", "VARCHAR"}, {"AccountUpn", "VARCHAR"}, {"AccountObjectId", "VARCHAR"},
		{"LogonId", "BIGINT"}, {"InitiatingProcessAccountDomain", "VARCHAR"}, {"InitiatingProcessAccountName", "VARCHAR"},
		{"InitiatingProcessAccountSid", "VARCHAR"}, {"InitiatingProcessSHA1", "VARCHAR"}, {"InitiatingProcessFileName", "VARCHAR"},
		{"InitiatingProcessId", "BIGINT"}, {"InitiatingProcessCommandLine", "VARCHAR"}, {"InitiatingProcessFolderPath", "VARCHAR"},
		{"InitiatingProcessParentId", "BIGINT"}, {"InitiatingProcessParentFileName", "VARCHAR"}, {"ReportId", "BIGINT"},
		{"AppGuardContainerId", "VARCHAR"}, {"AdditionalFields", "JSON"},
	},
}

// viewSQL returns the statement that exposes a generated file as a table.
func viewSQL(table, file string) (string, error) {
	cols, ok := tableColumns[table]
	if !ok {
		return "", fmt.Errorf("no DuckDB column list for table %s", table)
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%q: '%s'", c[0], c[1])
	}
	return fmt.Sprintf("CREATE VIEW %s AS SELECT * FROM read_json('%s', format = 'newline_delimited', columns = {%s})",
		table, strings.ReplaceAll(file, "'", "''"), strings.Join(parts, ", ")), nil
}

// duckdbTime renders --now as a DuckDB literal for the {{NOW}} placeholder.
func duckdbTime(t time.Time) string {
	return "TIMESTAMP_NS '" + t.UTC().Format("2006-01-02 15:04:05.999999999") + "'"
}

// duckdbChild is the child-process side of the DuckDB engine: it runs one
// SQL file over the given tables and prints the Result as JSON. Running it in
// its own process lets the parent measure DuckDB's wall time and peak RSS
// the same way as rmmhunt's.
func duckdbChild(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("duckdb-exec", flag.ContinueOnError)
	threads := fs.Int("threads", 1, "DuckDB threads")
	sqlFile := fs.String("sql", "", "SQL file to run")
	var tables multiFlag
	fs.Var(&tables, "table", "TABLE=FILE (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	query, err := os.ReadFile(*sqlFile)
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: the SETs and views apply to the query
	setup := []string{
		fmt.Sprintf("SET threads TO %d", *threads),
		"SET preserve_insertion_order = false",
	}
	for _, tf := range tables {
		table, file, ok := strings.Cut(tf, "=")
		if !ok {
			return fmt.Errorf("--table %q: want TABLE=FILE", tf)
		}
		v, err := viewSQL(table, file)
		if err != nil {
			return err
		}
		setup = append(setup, v)
	}
	for _, s := range setup {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	res, err := runSQL(db, string(query))
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

func runSQL(db *sql.DB, query string) (Result, error) {
	var res Result
	rows, err := db.Query(query)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return res, err
	}
	for _, t := range types {
		res.Columns = append(res.Columns, Column{Name: t.Name(), Type: kustoType(t.DatabaseTypeName())})
	}
	for rows.Next() {
		vals := make([]any, len(types))
		ptrs := make([]any, len(types))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return res, err
		}
		for i := range vals {
			vals[i] = jsonValue(vals[i])
		}
		res.Rows = append(res.Rows, vals)
	}
	if res.Rows == nil {
		res.Rows = [][]any{}
	}
	return res, rows.Err()
}

// kustoType maps a DuckDB type name to the Kusto type of the same values.
func kustoType(duck string) string {
	switch {
	case strings.HasPrefix(duck, "TIMESTAMP"):
		return "datetime"
	case duck == "BIGINT", duck == "HUGEINT", duck == "UBIGINT":
		return "long"
	case duck == "INTEGER", duck == "SMALLINT", duck == "TINYINT":
		return "int"
	case duck == "DOUBLE", duck == "FLOAT":
		return "real"
	case duck == "BOOLEAN":
		return "bool"
	case duck == "VARCHAR":
		return "string"
	case duck == "INTERVAL":
		return "timespan"
	default:
		return "dynamic"
	}
}

// jsonValue converts a scanned DuckDB value to what the Result JSON carries.
func jsonValue(v any) any {
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05.0000000Z")
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonValue(e)
		}
		return out
	case *big.Int:
		return json.Number(x.String())
	case []byte:
		return string(x)
	default:
		return x
	}
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }
