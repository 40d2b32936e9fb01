package susc

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Laplace is the regular (Laplace) approximation of the localized posterior
// of docs/theory.md §1.2 around w*: a Gaussian with precision nβ H + γ I, H the
// Hessian of L_n at w*. For smooth observables φ, ψ (docs/theory.md §4.3, §9.5)
//
//	Cov(φ, ψ) ≈ ∇φᵀ (nβ H + γ I)⁻¹ ∇ψ,
//
// gradients at w*, with relative corrections O(1/nβ) for a regular model; at
// γ = 0 the susceptibility is χ ≈ -∇φᵀ H⁻¹ ∇ΔL / nβ, the classical influence
// function divided by nβ. It is exact for a quadratic loss and linear
// observables, and undefined where nβ H + γ I is singular (a singular model
// without localization), which is where sampling is needed.
//
// Create one with NewLaplace: the zero value is not usable. A Laplace is
// read-only after construction (nβ and γ are fixed with the factorization,
// hence the accessor methods) and safe for concurrent use.
type Laplace struct {
	nBeta, gamma float64
	chol         mat.Cholesky // of nβ H + γ I
}

// NewLaplace factorizes nβ H + γ I for the Hessian h of L_n at w*. ok is
// false if that matrix is not positive definite.
func NewLaplace(h mat.Symmetric, nBeta, gamma float64) (l *Laplace, ok bool) {
	d := h.SymmetricDim()
	prec := mat.NewSymDense(d, nil)
	prec.ScaleSym(nBeta, h)
	for i := range d {
		prec.SetSym(i, i, prec.At(i, i)+gamma)
	}
	l = &Laplace{nBeta: nBeta, gamma: gamma}
	if !l.chol.Factorize(prec) {
		return nil, false
	}
	return l, true
}

// NBeta returns nβ, as given to NewLaplace.
func (l *Laplace) NBeta() float64 { return l.nBeta }

// Gamma returns γ, as given to NewLaplace.
func (l *Laplace) Gamma() float64 { return l.gamma }

// Cov returns ∇φᵀ (nβ H + γ I)⁻¹ ∇ψ for the gradients gradPhi and gradPsi of
// two observables at w*. It panics if a gradient's length is not the
// dimension of H.
func (l *Laplace) Cov(gradPhi, gradPsi []float64) float64 {
	d := l.chol.SymmetricDim()
	if d == 0 {
		panic("susc: Laplace.Cov: zero value Laplace (use NewLaplace)")
	}
	if len(gradPhi) != d || len(gradPsi) != d {
		panic(fmt.Sprintf("susc: Laplace.Cov: gradients of length %d and %d, Hessian %d×%d", len(gradPhi), len(gradPsi), d, d))
	}
	var x mat.VecDense
	if err := l.chol.SolveVecTo(&x, mat.NewVecDense(d, gradPsi)); err != nil {
		panic("susc: Laplace.Cov: " + err.Error())
	}
	return mat.Dot(mat.NewVecDense(d, gradPhi), &x)
}

// Susceptibility returns the Laplace susceptibility of φ to a data
// perturbation with loss change ΔL, from their gradients at w*: Cov as in
// Cov (standard error 0), so that Chi gives χ = -Cov and Response J = nβ χ
// exactly as for a sampled Susceptibility.
func (l *Laplace) Susceptibility(gradPhi, gradDL []float64) Susceptibility {
	return Susceptibility{NBeta: l.nBeta, Cov: Estimate{Value: l.Cov(gradPhi, gradDL)}}
}
