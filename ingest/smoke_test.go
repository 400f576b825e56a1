package ingest

import (
	"fmt"
	"testing"
)

func TestSmoke(t *testing.T) {
	dir := sample(t, "")
	s := openT(t, Options{}, dir)
	for _, tb := range []string{"DeviceNetworkEvents", "DeviceProcessEvents", "DeviceFileEvents", "DeviceEvents", "WindowsEvent", "DeviceFileCertificateInfo", "IdentityDirectoryEvents", "CloudAppEvents"} {
		rows := tableRows(t, s, fullSpec(t, tb))
		fmt.Println(tb, len(rows))
	}
	for _, f := range s.Summary().Files {
		fmt.Printf("%s %s rec=%d rej=%d unrouted=%v unknown=%d err=%s\n", f.File, f.Format, f.Records, f.Rejected, f.Unrouted, len(f.UnknownKeys), f.Err)
		for _, e := range f.Examples {
			fmt.Println("   ", e)
		}
		for _, n := range f.TableNames() {
			tt := f.Tables[n]
			fmt.Printf("    %s rec=%d rows=%d frej=%d typed=%v\n", n, tt.Records, tt.Rows, tt.FieldRejects, tt.Typed)
			for _, e := range tt.Examples {
				fmt.Println("      ", e)
			}
		}
	}
}
