"""PyTorch reference for bench/suites/core-cpu.ts (not a suite of its own: run.ts runs .ts files).

Reads a JSON request on stdin and prints one JSON object on stdout:
  {"threads": 2, "gemm": [[M, K, N], ...], "minTime": 1.0,
   "bert": {"vocab": 30522, "hidden": 128, "layers": 2, "heads": 2, "ffn": 512,
            "maxPositions": 512, "classes": 2, "batch": 32, "seq": 128, "steps": 5}}
GEMMs are f32 torch.matmul on standard-normal inputs; the BERT step is the same model as
bench/cpu/bert-step.ts built from torch.nn (dropout off, exact GELU, AdamW), timed per step.
Every timing also has "cpu", the process's CPU seconds (all threads) per call, which load from
other processes inflates far less than wall time; the BERT step also reports the process's
resident memory before the model is built and its peak ("rss", "maxRss", bytes), meaningful
when the request has no GEMMs (bench/cpu/step-vs-torch.ts asks for the step alone).
"""
import json
import math
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timed(fn, min_runs=3, min_time=1.0, warmup=1):
    for _ in range(warmup):
        fn()
    samples = []
    cpu = []
    start = time.perf_counter()
    while len(samples) < min_runs or time.perf_counter() - start < min_time:
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        samples.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if len(samples) >= 200:
            break
    ordered = sorted(samples)
    return {"median": ordered[len(ordered) // 2], "samples": samples, "cpu": sorted(cpu)[len(cpu) // 2]}


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


class Layer(nn.Module):
    def __init__(self, h, heads, ffn):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(h, h) for _ in range(4))
        self.norm1 = nn.LayerNorm(h, eps=1e-12)
        self.ffn1 = nn.Linear(h, ffn)
        self.ffn2 = nn.Linear(ffn, h)
        self.norm2 = nn.LayerNorm(h, eps=1e-12)

    def forward(self, x):
        b, s, h = x.shape
        dh = h // self.heads
        split = lambda t: t.view(b, s, self.heads, dh).transpose(1, 2)
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        # torch 1.13 has no scaled_dot_product_attention: the same math by hand
        p = torch.softmax(q @ k.transpose(-1, -2) * (1.0 / math.sqrt(dh)), dim=-1)
        ctx = (p @ v).transpose(1, 2).reshape(b, s, h)
        x = self.norm1(x + self.o(ctx))
        return self.norm2(x + self.ffn2(F.gelu(self.ffn1(x))))


class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden"]
        self.word = nn.Embedding(c["vocab"], h)
        self.position = nn.Embedding(c["maxPositions"], h)
        self.token_type = nn.Embedding(2, h)
        self.norm = nn.LayerNorm(h, eps=1e-12)
        self.layers = nn.ModuleList(Layer(h, c["heads"], c["ffn"]) for _ in range(c["layers"]))
        self.pooler = nn.Linear(h, h)
        self.classifier = nn.Linear(h, c["classes"])
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Embedding)):
                nn.init.normal_(m.weight, std=0.02)
            if isinstance(m, nn.Linear):
                nn.init.zeros_(m.bias)

    def forward(self, ids):
        s = ids.shape[1]
        x = self.word(ids) + self.position.weight[:s] + self.token_type.weight[:1]
        x = self.norm(x)
        for layer in self.layers:
            x = layer(x)
        return self.classifier(torch.tanh(self.pooler(x[:, 0])))


def bert_step(c):
    rss = rss_bytes()
    torch.manual_seed(1)
    model = Bert(c)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    ids = torch.randint(0, c["vocab"], (c["batch"], c["seq"]))
    labels = torch.randint(0, c["classes"], (c["batch"],))
    losses = []

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(ids), labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())

    t = timed(step, min_runs=c["steps"], min_time=0, warmup=1)
    params = sum(p.numel() for p in model.parameters())
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {**t, "parameters": params, "firstLoss": losses[0], "lastLoss": losses[-1], "rss": rss, "maxRss": max_rss}


def main():
    req = json.load(sys.stdin)
    torch.set_num_threads(req["threads"])
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "gemm": []}
    for m, k, n in req.get("gemm", []):
        a, b = torch.randn(m, k), torch.randn(k, n)
        big = 2 * m * k * n >= 4e9
        t = timed(lambda: torch.matmul(a, b), min_runs=3, min_time=0 if big else req.get("minTime", 1.0))
        out["gemm"].append({"shape": [m, k, n], **t})
    # products as backward passes run them: {"shape": [M, K, N], "batch": B, "ta": bool, "tb": bool},
    # a transposed operand stored as its transpose and read through a view
    out["products"] = []
    for p in req.get("products", []):
        m, k, n = p["shape"]
        lead = [p["batch"]] if p.get("batch") else []
        a = torch.randn(*lead, k, m).transpose(-1, -2) if p.get("ta") else torch.randn(*lead, m, k)
        b = torch.randn(*lead, n, k).transpose(-1, -2) if p.get("tb") else torch.randn(*lead, k, n)
        t = timed(lambda: torch.matmul(a, b), min_runs=3, min_time=req.get("minTime", 1.0))
        out["products"].append({**p, **t})
    if "bert" in req:
        out["bert"] = bert_step(req["bert"])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
