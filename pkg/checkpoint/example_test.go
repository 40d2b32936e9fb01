// Copyright ©2026 The susclab Authors.

package checkpoint_test

import (
	"bytes"
	"encoding/json"
	"fmt"

	"susclab/pkg/checkpoint"
)

// Collect checkpoints of a run, write them and read them back.
func Example() {
	s := &checkpoint.Series{Name: "toy", Config: json.RawMessage(`{"width": 3}`), Dim: 3}
	s.Add(0, 2.5, []float64{0.1, -0.2, 0.3})
	s.Add(100, 0.75, []float64{1.1, -1.2, 1.3})

	var file bytes.Buffer
	if err := checkpoint.Write(&file, s); err != nil {
		panic(err)
	}
	fmt.Println("bytes:", file.Len())

	r, err := checkpoint.Read(&file)
	if err != nil {
		panic(err)
	}
	c, _ := r.Find(100)
	fmt.Println(r.Name, string(r.Config), r.Steps(), c.Loss, c.Params)

	// A damaged file gives an error, not a panic.
	_, err = checkpoint.Read(bytes.NewReader([]byte("SUSCKPT1 but nothing else")))
	fmt.Println(err)
	// Output:
	// bytes: 174
	// toy {"width":3} [0 100] 0.75 [1.1 -1.2 1.3]
	// checkpoint: file truncated: header claims 1953849888 bytes, 9 remain
}
