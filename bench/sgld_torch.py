#!/usr/bin/python3
"""SGLD steps per second in PyTorch (CPU), the reference for cmd/bench.

The update is docs/theory.md §2.1 (devinterp's convention), full batch:

    w <- w - (eps/2) [ nbeta grad L_n(w) + gamma (w - w*) ] + sqrt(eps) N(0, I)

with L_n the MEAN loss over the n samples. Each model is run two ways:

  autograd  the loss of all n samples in one vectorized expression, gradient
            by loss.backward(), then the update under no_grad: the per-step
            loop of devinterp's SGLD;
  hand      hand-written gradient, vectorized, no autograd, and the same
            algorithm as the Go model (where Go uses sufficient statistics,
            normal crossing, reduced-rank regression and the deep linear
            network, so does this version; the toy model of superposition
            loops over the data in both).

The models, sizes and hyperparameters are those of cmd/bench (cmd/bench/main.go,
function models): data of the same sizes and distributions, drawn here with
torch's generator. float64 throughout, as in Go. torch.set_num_threads(1)
unless --threads says otherwise, so the figures are per core.

Usage: /usr/bin/python3 bench/sgld_torch.py [--seconds 1] [--json] [--models nc,rrr,...]
"""

import argparse
import json
import math
import os
import sys
import time

import torch

DT = torch.float64


def nc_data(g, n):
    x = torch.randn(n, generator=g, dtype=DT)
    y = torch.randn(n, generator=g, dtype=DT)
    return x, y


class NormalCrossing:
    """y = x * w0^1 * w1^2, l_i = (y_i - x_i f)^2 / 2 (powers (1, 2))."""

    def __init__(self, g, n):
        self.x, self.y = nc_data(g, n)
        self.n = n
        sxx = (self.x * self.x).sum()
        sxy = (self.x * self.y).sum()
        self.c2 = (sxx / n).item()
        self.fhat = (sxy / sxx).item()
        r = self.y - self.x * self.fhat
        self.c0 = (r * r / 2).mean().item()
        self.c1 = (-(self.x * r)).mean().item()
        self.center = torch.zeros(2, dtype=DT)

    def loss(self, w):  # autograd: over the data
        f = w[0] * w[1] ** 2
        return ((self.y - self.x * f) ** 2 / 2).mean()

    def grad(self, w):  # hand: L_n = c0 + c1 (f - f^) + c2 (f - f^)^2 / 2
        w0, w1 = w[0].item(), w[1].item()
        df = w0 * w1 * w1 - self.fhat
        dldf = self.c1 + self.c2 * df
        return torch.tensor([dldf * w1 * w1, dldf * 2 * w0 * w1], dtype=DT)


class ReducedRank:
    """x in R^m -> W1 (h x m) -> W2 (o x h), l_i = ||y_i - W2 W1 x_i||^2 / 2."""

    def __init__(self, g, n, m, h, o):
        self.x = torch.randn(n, m, generator=g, dtype=DT)
        self.y = torch.randn(n, o, generator=g, dtype=DT)
        self.n, self.m, self.h, self.o = n, m, h, o
        self.sxx = self.x.T @ self.x
        self.syx = self.y.T @ self.x
        self.center = torch.zeros(h * (m + o), dtype=DT)

    def split(self, w):
        hm = self.h * self.m
        return w[:hm].view(self.h, self.m), w[hm:].view(self.o, self.h)

    def loss(self, w):
        w1, w2 = self.split(w)
        r = self.y - self.x @ w1.T @ w2.T
        return (r * r).sum(1).mean() / 2

    def grad(self, w):  # G = (M Sxx - Syx)/n, dW2 = G W1^T, dW1 = W2^T G
        w1, w2 = self.split(w)
        G = ((w2 @ w1) @ self.sxx - self.syx) / self.n
        return torch.cat(((w2.T @ G).reshape(-1), (G @ w1.T).reshape(-1)))


class TMS:
    """x_hat = ReLU(W^T W x + b), l = sum_k I_k (x_k - x_hat_k)^2, W is M x F."""

    def __init__(self, g, n, f, m, density, decay=0.9):
        active = torch.rand(n, f, generator=g, dtype=DT) < density
        self.x = torch.rand(n, f, generator=g, dtype=DT) * active
        self.imp = decay ** torch.arange(f, dtype=DT)
        self.n, self.f, self.m = n, f, m
        W = torch.randn(m, f, generator=g, dtype=DT) * math.sqrt(2 / (f + m))
        self.center = torch.cat((W.reshape(-1), torch.zeros(f, dtype=DT)))

    def split(self, w):
        mf = self.m * self.f
        return w[:mf].view(self.m, self.f), w[mf:]

    def loss(self, w):
        W, b = self.split(w)
        xhat = torch.relu(self.x @ W.T @ W + b)
        return (self.imp * (self.x - xhat) ** 2).sum(1).mean()

    def grad(self, w):
        W, b = self.split(w)
        h = self.x @ W.T  # n x M
        z = h @ W + b  # n x F
        d = 2 * self.imp * (z - self.x) * (z > 0)  # dl/dz
        gW = (h.T @ d + (d @ W.T).T @ self.x) / self.n
        return torch.cat((gW.reshape(-1), d.mean(0)))


class DeepLinear:
    """f(x) = W_{L-1} ... W_0 x, l_i = ||y_i - M x_i||^2 / 2."""

    def __init__(self, g, n, widths):
        self.widths = widths
        self.x = torch.randn(n, widths[0], generator=g, dtype=DT)
        self.y = torch.randn(n, widths[-1], generator=g, dtype=DT)
        self.n = n
        self.sxx = self.x.T @ self.x
        self.syx = self.y.T @ self.x
        ws = [torch.randn(widths[l + 1], widths[l], generator=g, dtype=DT) / math.sqrt(widths[l])
              for l in range(len(widths) - 1)]
        self.center = torch.cat([v.reshape(-1) for v in ws])

    def split(self, w):
        out, off = [], 0
        for l in range(len(self.widths) - 1):
            k = self.widths[l + 1] * self.widths[l]
            out.append(w[off:off + k].view(self.widths[l + 1], self.widths[l]))
            off += k
        return out

    def loss(self, w):
        h = self.x
        for W in self.split(w):
            h = h @ W.T
        r = self.y - h
        return (r * r).sum(1).mean() / 2

    def grad(self, w):  # the Go algorithm: prefix products, G = (M Sxx - Syx)/n
        ws = self.split(w)
        P = [None, ws[0]]
        for W in ws[1:]:
            P.append(W @ P[-1])
        E = (P[-1] @ self.sxx - self.syx) / self.n
        grads = [None] * len(ws)
        for l in range(len(ws) - 1, -1, -1):
            grads[l] = E if l == 0 else E @ P[l].T
            if l > 0:
                E = ws[l].T @ E
        return torch.cat([gr.reshape(-1) for gr in grads])


def models(g):
    """Name, size label, model, nbeta, gamma, eps: as in cmd/bench."""
    n = 1000
    nb = n / math.log(n)
    return [
        ("nc", "normal crossing (1,2)", "n=1000", lambda: NormalCrossing(g, n), nb, 100.0, 1e-4),
        ("rrr", "reduced-rank (5,3,5)", "n=1000", lambda: ReducedRank(g, n, 5, 3, 5), nb, 100.0, 1e-5),
        ("tms-small", "TMS F=5 M=2", "n=1000", lambda: TMS(g, n, 5, 2, 0.1), nb, 100.0, 1e-5),
        ("tms-large", "TMS F=100 M=20", "n=1000", lambda: TMS(g, n, 100, 20, 0.1), nb, 100.0, 1e-6),
        ("dln-small", "DLN 10-10-10-10", "n=1000", lambda: DeepLinear(g, n, [10, 10, 10, 10]), nb, 100.0, 1e-6),
        ("dln-large", "DLN 100-100-100-100", "n=1000", lambda: DeepLinear(g, n, [100] * 4), nb, 100.0, 1e-7),
    ]


def run_autograd(model, nb, gamma, eps, seconds):
    w = model.center.clone().requires_grad_(True)
    c = model.center
    half, sd = eps / 2, math.sqrt(eps)

    def step():
        loss = model.loss(w)
        loss.backward()
        with torch.no_grad():
            w.add_(-half * (nb * w.grad + gamma * (w - c)) + sd * torch.randn_like(w))
        w.grad = None

    return timed(step, seconds), w.detach()


def run_hand(model, nb, gamma, eps, seconds):
    w = model.center.clone()
    c = model.center
    half, sd = eps / 2, math.sqrt(eps)

    def step():
        nonlocal w
        g = model.grad(w)
        w = w - half * (nb * g + gamma * (w - c)) + sd * torch.randn_like(w)

    rate = timed(step, seconds)
    return rate, w


def timed(step, seconds, reps=3):
    """Steps per second: warm up, then the best of `reps` runs of about
    seconds/reps of wall clock each (other work only slows a run down)."""
    for _ in range(20):
        step()
    best = 0.0
    for _ in range(reps):
        n, batch = 0, 10
        t0 = time.perf_counter()
        while True:
            for _ in range(batch):
                step()
            n += batch
            el = time.perf_counter() - t0
            if el >= seconds / reps:
                break
            if el < seconds / reps / 10:
                batch *= 2
        best = max(best, n / el)
    return best


def blas_library():
    """The BLAS shared library actually loaded (Debian switches it with
    update-alternatives: the reference libblas3 or OpenBLAS)."""
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1]
                if "blas" in p.lower() and ".so" in p:
                    return os.path.realpath(p)
    except OSError:
        pass
    return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=1.0, help="wall clock per figure (best of 3 runs of a third)")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("--models", default="", help="comma-separated keys (default all)")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    want = set(filter(None, a.models.split(",")))
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_library(), "models": {}}
    for key, name, size, make, nb, gamma, eps in models(g):
        if want and key not in want:
            continue
        m = make()
        auto, wa = run_autograd(m, nb, gamma, eps, a.seconds)
        hand, wh = run_hand(m, nb, gamma, eps, a.seconds)
        if not (torch.isfinite(wa).all() and torch.isfinite(wh).all()):
            print(f"{key}: diverged", file=sys.stderr)
        out["models"][key] = {"name": name, "size": size, "dim": m.center.numel(),
                              "autograd": auto, "hand": hand}
        if not a.json:
            print(f"{name:24s} {size:8s} d={m.center.numel():6d}  autograd {auto:12,.0f} steps/s"
                  f"   hand {hand:12,.0f} steps/s", flush=True)
    if not a.json:
        print(f"torch {out['torch']}, {out['threads']} thread(s), BLAS {out['blas']}")
    if a.json:
        json.dump(out, sys.stdout)
        print()


if __name__ == "__main__":
    main()
