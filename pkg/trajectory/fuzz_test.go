// Copyright ©2026 The susclab Authors.

package trajectory_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"susclab/pkg/trajectory"
)

// The readers never panic, and whatever they accept the accessors (Series,
// Entries, Rows, the CSV writer) read without panicking. CI runs each
// target for a few seconds (scripts/test.sh); the seeds are a valid file
// and the corruptions of TestReadJSONRefuses.

func FuzzReadJSON(f *testing.F) {
	good, _ := json.Marshal(sampled(f))
	f.Add(good)
	for _, b := range badJSON(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"susceptibilities":[{"a":"x","b":"y"}],"points":[{"step":1,"susceptibilities":[null],"bifs":[]}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, err := trajectory.ReadJSON(bytes.NewReader(b))
		if err != nil {
			return
		}
		tr.LLC()
		tr.Loss()
		for i := range tr.Susceptibilities {
			tr.Response(i)
		}
		for i := range tr.BIFs {
			tr.BIF(i)
		}
		tr.Influence()
		tr.Structure()
		if err := trajectory.WriteCSV(&bytes.Buffer{}, tr); err != nil {
			return
		}
		var out bytes.Buffer
		if err := trajectory.WriteJSON(&out, tr); err != nil {
			t.Fatalf("accepted trajectory does not write: %v", err)
		}
		if _, err := trajectory.ReadJSON(&out); err != nil {
			t.Fatalf("written trajectory does not read back: %v", err)
		}
	})
}

func FuzzReadCSV(f *testing.F) {
	var b bytes.Buffer
	trajectory.WriteCSV(&b, sampled(f))
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:b.Len()/2])
	f.Add([]byte("step,estimate,entry,value,se\n5,llc,,NaN,+Inf\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := trajectory.ReadCSV(bytes.NewReader(data))
		if err != nil {
			return
		}
		for i, r := range rows {
			if r.Step < 0 || r.Estimate == "" || i > 0 && r.Step < rows[i-1].Step {
				t.Fatalf("accepted row %d: %+v", i, r)
			}
		}
	})
}
