// Copyright ©2026 The susclab Authors.

package defaults

import "testing"

func TestSet(t *testing.T) {
	a, b, c, d := 0, 3, 0.0, "x"
	Set(&a, 5)
	Set(&b, 5)
	Set(&c, 1.5)
	Set(&d, "y")
	if a != 5 || b != 3 || c != 1.5 || d != "x" {
		t.Errorf("got %v %v %v %q", a, b, c, d)
	}
}
