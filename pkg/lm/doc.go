// Copyright ©2026 The susclab Authors.

// Package lm is a small decoder-only transformer language model with
// hand-written backpropagation, in float64, for sampling its posterior
// (SGLD) and measuring per-token susceptibilities of its attention heads.
package lm
