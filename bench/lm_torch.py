#!/usr/bin/python3
"""SGLD steps per second of the pkg/lm transformer in PyTorch (CPU), the
comparison target of BenchmarkLossGrad in pkg/lm.

The model is pkg/lm's default architecture: token embedding E (V x d) and
learned positional embedding P (T x d), L = 2 attention-only layers of
H = 4 heads (d_head = d/H) on the residual stream, causal softmax attention
scaled by 1/sqrt(d_head), no biases, no layer norm, unembedding U (d x V),
softmax cross-entropy; T = 64, d = 64, V = 96 (the Go-source vocabulary),
one flat float64 parameter vector w in pkg/lm's layout. Each step draws a
batch of 4 whole windows (256 predicted tokens) and applies

    w <- w - (eps/2) [ nbeta grad L_B(w) + gamma (w - w*) ] + sqrt(eps) N(0, I)

with the gradient by autograd (loss.backward()) and the update under
no_grad, as devinterp does. torch.set_num_threads(1) unless --threads says
otherwise, and OPENBLAS_NUM_THREADS=1 unless set, so the figure is per
core. Which BLAS torch calls for float64
products is printed (torch.__config__.show() says BLAS_INFO; Debian's
python3-torch calls libblas.so.3, which update-alternatives points at
OpenBLAS or the reference BLAS, so the library actually loaded is read from
/proc/self/maps).

Usage: /usr/bin/python3 bench/lm_torch.py [--seconds 5] [--json] [--threads 1]
"""

import argparse
import json
import math
import os
import time

# OpenBLAS starts its own threads whatever torch.set_num_threads says: one
# core means OPENBLAS_NUM_THREADS=1 (set before torch loads the library).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import torch  # noqa: E402

DT = torch.float64


class LM:
    def __init__(self, g, V=96, T=64, d=64, H=4, L=2, windows=64):
        self.V, self.T, self.d, self.H, self.L = V, T, d, H, L
        self.dh = d // H
        self.tokens = torch.randint(0, V, (windows * T + 1,), generator=g)
        self.windows = windows
        sizes = [V * d, T * d] + [3 * d * d, d * d] * L + [d * V]
        self.dim = sum(sizes)
        offs, o = [], 0
        for s in sizes:
            offs.append(o)
            o += s
        self.offs = offs
        w = torch.empty(self.dim, dtype=DT)
        e = V * d + T * d
        w[:e] = 0.5 * torch.randn(e, generator=g, dtype=DT)
        w[e:] = torch.randn(self.dim - e, generator=g, dtype=DT) / math.sqrt(d)
        self.w0 = w
        self.mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)

    def views(self, w):
        V, T, d, L = self.V, self.T, self.d, self.L
        o = self.offs
        E = w[o[0]:o[0] + V * d].view(V, d)
        P = w[o[1]:o[1] + T * d].view(T, d)
        layers = []
        for l in range(L):
            a, b = o[2 + 2 * l], o[3 + 2 * l]
            layers.append((w[a:a + 3 * d * d].view(d, 3 * d), w[b:b + d * d].view(d, d)))
        U = w[o[-1]:o[-1] + d * V].view(d, V)
        return E, P, layers, U

    def batch(self, g, nwin=4):
        ks = torch.randint(0, self.windows, (nwin,), generator=g)
        idx = ks[:, None] * self.T + torch.arange(self.T + 1)[None, :]
        win = self.tokens[idx]
        return win[:, :-1], win[:, 1:]

    def loss(self, w, inp, tgt):
        B, T, d, H, dh, V = inp.shape[0], self.T, self.d, self.H, self.dh, self.V
        E, P, layers, U = self.views(w)
        x = E[inp] + P[None, :, :]
        for Wqkv, Wo in layers:
            qkv = (x @ Wqkv).view(B, T, 3, H, dh)
            q = qkv[:, :, 0].transpose(1, 2)
            k = qkv[:, :, 1].transpose(1, 2)
            v = qkv[:, :, 2].transpose(1, 2)
            s = (q @ k.transpose(-1, -2)) / math.sqrt(dh)
            s = s.masked_fill(self.mask, float("-inf"))
            a = torch.softmax(s, dim=-1)
            z = (a @ v).transpose(1, 2).reshape(B, T, d)
            x = x + z @ Wo
        logits = x @ U
        return torch.nn.functional.cross_entropy(logits.reshape(-1, V), tgt.reshape(-1))


def blas_library():
    """The BLAS shared libraries mapped into this process."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if line.strip().startswith(("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"))}
    except OSError:
        return "unknown"
    libs = sorted(p for p in paths if p.startswith("/") and "blas" in os.path.basename(p).lower())
    return ", ".join(libs) if libs else "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    g = torch.Generator().manual_seed(1)
    m = LM(g)
    w = m.w0.clone().requires_grad_(True)
    center = m.w0.clone()
    eps, nbeta, gamma = 1e-7, 1000.0, 100.0
    sq = math.sqrt(eps)

    def step():
        inp, tgt = m.batch(g)
        loss = m.loss(w, inp, tgt)
        w.grad = None
        loss.backward()
        with torch.no_grad():
            w.add_(nbeta * w.grad + gamma * (w - center), alpha=-eps / 2)
            w.add_(torch.randn(m.dim, generator=g, dtype=DT), alpha=sq)
        return loss

    for _ in range(5):  # warm-up
        step()
    # Loss-only timing too (forward without autograd), like BenchmarkLoss.
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < args.seconds:
        step()
        steps += 1
    dt = time.perf_counter() - t0
    fsteps, t0 = 0, time.perf_counter()
    with torch.no_grad():
        while time.perf_counter() - t0 < args.seconds / 2:
            inp, tgt = m.batch(g)
            m.loss(w, inp, tgt)
            fsteps += 1
    fdt = time.perf_counter() - t0
    cfg = torch.__config__.show()
    blas_info = next((p.strip() for p in cfg.replace(",", "\n").splitlines() if "BLAS_INFO" in p), "BLAS_INFO unknown")
    res = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "openblas_num_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
        "blas_info": blas_info,
        "blas_library": blas_library(),
        "dim": m.dim,
        "batch_tokens": 4 * m.T,
        "sgld_steps_per_s": steps / dt,
        "ms_per_step": 1e3 * dt / steps,
        "loss_only_per_s": fsteps / fdt,
        "final_loss": float(m.loss(w, *m.batch(g)).item()),
    }
    if args.json:
        print(json.dumps(res))
        return
    print(f"torch {res['torch']}, {res['threads']} thread(s), {res['blas_info']}")
    print(f"BLAS library loaded: {res['blas_library']}")
    print(f"model: T=64 d=64 H=4 L=2 V=96, {m.dim} parameters, batch 4 windows x 64 tokens, float64")
    print(f"SGLD with autograd: {res['sgld_steps_per_s']:.1f} steps/s ({res['ms_per_step']:.2f} ms/step)")
    print(f"loss only (no_grad): {res['loss_only_per_s']:.1f} evaluations/s")
    print(torch.__config__.show())


if __name__ == "__main__":
    main()
