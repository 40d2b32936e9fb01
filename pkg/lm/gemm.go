// Copyright ©2026 The susclab Authors.

package lm

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"
)

// gemm computes C = alpha op(A) op(B) + beta C for row-major slices (op(A)
// m×k, op(B) k×n) through blas64, so that blas64.Use swaps the engine for
// the whole package. gonum's own Dgemm starts goroutines (and allocates)
// once C has four or more 64×64 blocks; the sampler already runs one chain
// per core, so for that implementation C is cut into tiles of 64 rows and
// up to 192 columns (three blocks), each of which gonum computes serially.
// Other implementations (OpenBLAS through
// gonum.org/v1/netlib, with OPENBLAS_NUM_THREADS=1) get the whole product.
func gemm(tA, tB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	ta, tb := blas.NoTrans, blas.NoTrans
	if tA {
		ta = blas.Trans
	}
	if tB {
		tb = blas.Trans
	}
	impl := blas64.Implementation()
	// gonum computes C serially when it has fewer than 4 blocks of 64×64:
	// tiles of 64 rows × 192 columns (3 blocks) keep it serial with rows
	// as long as possible (its kernels are axpys along the rows of C).
	const tileM, tileN, block = 64, 192, 64
	if _, native := impl.(gonum.Implementation); !native || ((m+block-1)/block)*((n+block-1)/block) < 4 {
		impl.Dgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	for i0 := 0; i0 < m; i0 += tileM {
		mi := min(tileM, m-i0)
		ai := a[i0*lda:]
		if tA {
			ai = a[i0:]
		}
		for j0 := 0; j0 < n; j0 += tileN {
			nj := min(tileN, n-j0)
			bj := b[j0:]
			if tB {
				bj = b[j0*ldb:]
			}
			impl.Dgemm(ta, tb, mi, nj, k, alpha, ai, lda, bj, ldb, beta, c[i0*ldc+j0:], ldc)
		}
	}
}

// causalBlock is the row-block height of gemmLower.
const causalBlock = 16

// gemmLower computes the lower triangle (j <= i, and whatever else falls in
// the same row blocks) of the m×m product C = alpha A Bᵀ, A and B m×k: rows
// are taken in blocks of causalBlock, and block [i0, i1) needs only columns
// [0, i1). Entries above the blocks' diagonals are left unspecified. For
// causal attention this skips nearly half of the products whose upper
// triangle is masked anyway.
func gemmLower(m, k int, alpha float64, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	for i0 := 0; i0 < m; i0 += causalBlock {
		i1 := min(i0+causalBlock, m)
		gemm(false, true, i1-i0, i1, k, alpha, a[i0*lda:], lda, b, ldb, 0, c[i0*ldc:], ldc)
	}
}
