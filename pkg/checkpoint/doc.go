// Copyright ©2026 The susclab Authors.

// Package checkpoint stores the training checkpoints of a model: one format
// for every model of the repository, in memory (Series) and on disk.
//
// A Series is the trajectory of one training run: the model's name, its
// configuration as a JSON value (the model's own config struct, opaque to
// this package), the number of parameters Dim, and a list of checkpoints,
// each the step number, the training loss at that step and a copy of the
// Dim parameters. Steps are strictly increasing, so a checkpoint is found by
// step in O(log k) (Series.Find).
//
// # File format
//
// All integers and floats are little-endian. A file is
//
//	offset  size      content
//	0       8         magic "SUSCKPT1"
//	8       4         uint32 N, the length of the header
//	12      N         header: a JSON object (UTF-8)
//	12+N    8·Dim·K   the K checkpoints' parameters, checkpoint after
//	                  checkpoint, each parameter as the uint64 bits of its
//	                  float64 (math.Float64bits)
//	end-4   4         uint32 CRC-32 (IEEE) of every byte before it
//
// The header is
//
//	{"name": "...", "config": {...}, "dim": Dim, "steps": [s_0, ..., s_{K-1}],
//	 "losses": [b_0, ..., b_{K-1}]}
//
// with the config stored compacted (encoding/json's Compact) and each loss
// stored as its IEEE-754 bit pattern b_k = math.Float64bits(loss_k), a JSON
// integer, so that a NaN or infinite loss (a diverged run) is kept, payload
// included. Reading returns every float bit for bit.
//
// Read checks the file before it trusts it: the magic, then the header
// length against the bytes actually present, then the sizes the header
// claims (Dim, K) against the bytes that remain, and only then allocates the
// parameters; a file that ends early, has bytes after its checksum, a wrong
// magic, a malformed header or a wrong checksum gives an error (matching
// ErrMagic, ErrTruncated, ErrFormat or ErrChecksum under errors.Is), never a
// panic or an allocation larger than the file.
package checkpoint
