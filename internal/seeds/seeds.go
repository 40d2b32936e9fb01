// Package seeds derives independent seeds from one: every seeded stream in
// susclab (a chain's noise, a restricted chain's run, a retraining seed) is
// a hash of the user's seed and the stream's index, so that nearby seeds
// share no stream and results do not depend on scheduling.
package seeds

import "math/rand/v2"

// SplitMix is the SplitMix64 finalizer: a bijection of uint64 whose outputs
// for consecutive inputs look independent.
func SplitMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Derive returns the seed of stream i under seed.
func Derive(seed, i uint64) uint64 {
	return SplitMix(seed ^ SplitMix(i))
}

// PCG returns the PCG source of stream i under seed: seeded by
// Derive(seed, i) and its SplitMix.
func PCG(seed, i uint64) *rand.PCG {
	a := Derive(seed, i)
	return rand.NewPCG(a, SplitMix(a))
}
