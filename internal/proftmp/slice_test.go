package prof

import (
	"context"
	"os"
	"testing"

	"susclab/pkg/checkpoint"
	"susclab/pkg/spectro"
	"susclab/pkg/susc"
)

func TestReslice(t *testing.T) {
	f, _ := os.Open("/work/main/pkg/spectro/testdata/gosrc.json")
	var rec spectro.Experiment
	if err := susc.ReadJSON(f, &rec); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s, _ := checkpoint.ReadFile("/work/main/pkg/lm/testdata/gosrc.ckpt")
	so := rec.Options
	so.Chains, so.Draws = 2, min(40, rec.Options.Draws)
	ss, _, err := spectro.New(s, so)
	if err != nil {
		t.Fatal(err)
	}
	ss.Components = spectro.Heads(ss.Train)[:1]
	if rec.Slice, err = ss.Sample(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec.SliceOptions = &so
	g, _ := os.Create("/tmp/gosrc-resliced.json")
	if err := susc.WriteJSON(g, &rec); err != nil {
		t.Fatal(err)
	}
	g.Close()
	t.Log(rec.Slice.SE.At(0, 0), rec.Slice.Chi.At(0, 0))
}
