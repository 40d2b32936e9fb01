//go:build race

package attrib

// raceEnabled is set under the race detector, whose instrumentation
// allocates on its own and makes allocation counts meaningless.
const raceEnabled = true
