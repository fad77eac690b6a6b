"""PyTorch reference for bench/suites/finetune.ts: the same fine-tuning epoch, in the same run.

Reads a JSON request on stdin and prints one JSON object on stdout:
  {"model": ".../bert-tiny-imdb-mlm", "batches": ".../batches.safetensors", "threads": 2,
   "lr": 1e-4, "weightDecay": 0.01, "warmupRatio": 0.1, "maxGradNorm": 1.0, "numLabels": 2,
   "epochs": 1, "seed": 0}

`batches.safetensors` holds the exact batches Graft's DataLoader produced for the epoch
(`input_ids.<i>`, `attention_mask.<i>`, `token_type_ids.<i>`, `labels.<i>`, int32, dynamic
padding), so both sides do the same work. The model is transformers' BertForSequenceClassification
written out in plain torch (Debian's python3-torch has no transformers): embeddings, post-norm
encoder layers with exact GELU, a tanh pooler and a classifier, dropout as configured, weights
from the checkpoint's model.safetensors (read by hand: no safetensors module either), a fresh
pooler and classifier. The loop is the seed recipe's: AdamW with weight decay outside biases and
LayerNorm weights, a linear schedule with warmup, gradient clipping at maxGradNorm.
"""
import json
import math
import os
import resource
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": np.float32, "I32": np.int32, "I64": np.int64, "F16": np.float16}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        arr = np.frombuffer(data[base + start : base + end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        h = c["hidden_size"]
        self.heads = c["num_attention_heads"]
        self.query, self.key, self.value, self.out = (nn.Linear(h, h) for _ in range(4))
        self.norm1 = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.inter = nn.Linear(h, c["intermediate_size"])
        self.output = nn.Linear(c["intermediate_size"], h)
        self.norm2 = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.attn_drop = nn.Dropout(c["attention_probs_dropout_prob"])
        self.drop = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, x, additive_mask):
        b, s, h = x.shape
        dh = h // self.heads
        split = lambda t: t.view(b, s, self.heads, dh).transpose(1, 2)
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        # torch 1.13 has no scaled_dot_product_attention: transformers' eager attention by hand
        scores = q @ k.transpose(-1, -2) * (1.0 / math.sqrt(dh)) + additive_mask
        p = self.attn_drop(torch.softmax(scores, dim=-1))
        ctx = (p @ v).transpose(1, 2).reshape(b, s, h)
        x = self.norm1(x + self.drop(self.out(ctx)))
        return self.norm2(x + self.drop(self.output(F.gelu(self.inter(x)))))


class BertForSequenceClassification(nn.Module):
    def __init__(self, c, num_labels):
        super().__init__()
        h = c["hidden_size"]
        self.word = nn.Embedding(c["vocab_size"], h)
        self.pos = nn.Embedding(c["max_position_embeddings"], h)
        self.token_type = nn.Embedding(c["type_vocab_size"], h)
        self.norm = nn.LayerNorm(h, eps=c["layer_norm_eps"])
        self.drop = nn.Dropout(c["hidden_dropout_prob"])
        self.layers = nn.ModuleList(Layer(c) for _ in range(c["num_hidden_layers"]))
        self.pooler = nn.Linear(h, h)
        self.classifier = nn.Linear(h, num_labels)
        for lin in (self.pooler, self.classifier):
            nn.init.normal_(lin.weight, std=c["initializer_range"])
            nn.init.zeros_(lin.bias)

    def load(self, w):
        g = lambda k: w[k]
        with torch.no_grad():
            self.word.weight.copy_(g("bert.embeddings.word_embeddings.weight"))
            self.pos.weight.copy_(g("bert.embeddings.position_embeddings.weight"))
            self.token_type.weight.copy_(g("bert.embeddings.token_type_embeddings.weight"))
            self.norm.weight.copy_(g("bert.embeddings.LayerNorm.weight"))
            self.norm.bias.copy_(g("bert.embeddings.LayerNorm.bias"))
            for i, layer in enumerate(self.layers):
                p = f"bert.encoder.layer.{i}."
                pairs = [
                    (layer.query, "attention.self.query"), (layer.key, "attention.self.key"),
                    (layer.value, "attention.self.value"), (layer.out, "attention.output.dense"),
                    (layer.norm1, "attention.output.LayerNorm"), (layer.inter, "intermediate.dense"),
                    (layer.output, "output.dense"), (layer.norm2, "output.LayerNorm"),
                ]
                for mod, name in pairs:
                    mod.weight.copy_(g(p + name + ".weight"))
                    mod.bias.copy_(g(p + name + ".bias"))

    def forward(self, ids, mask, types, labels):
        s = ids.shape[1]
        x = self.word(ids) + self.pos(torch.arange(s).unsqueeze(0)) + self.token_type(types)
        x = self.drop(self.norm(x))
        additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            x = layer(x, additive)
        pooled = torch.tanh(self.pooler(x[:, 0]))
        logits = self.classifier(self.drop(pooled))
        return F.cross_entropy(logits, labels)


def main():
    req = json.load(sys.stdin)
    torch.set_num_threads(req["threads"])
    torch.manual_seed(req.get("seed", 0))
    with open(os.path.join(req["model"], "config.json")) as f:
        config = json.load(f)
    model = BertForSequenceClassification(config, req["numLabels"])
    model.load(read_safetensors(os.path.join(req["model"], "model.safetensors")))
    model.train()
    data = read_safetensors(req["batches"])
    n = len([k for k in data if k.startswith("input_ids.")])
    batches = [tuple(data[f"{k}.{i}"].long() for k in ("input_ids", "attention_mask", "token_type_ids", "labels")) for i in range(n)]
    decay = [p for name, p in model.named_parameters() if p.ndim > 1 and "norm" not in name]
    no_decay = [p for name, p in model.named_parameters() if not (p.ndim > 1 and "norm" not in name)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": req["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}], lr=req["lr"])
    total = n * req.get("epochs", 1)
    warmup = math.ceil(total * req["warmupRatio"])
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: s / max(1, warmup) if s < warmup else max(0.0, (total - s) / max(1, total - warmup)))
    losses = []
    samples = 0
    start = time.perf_counter()
    for _ in range(req.get("epochs", 1)):
        for ids, mask, types, labels in batches:
            loss = model(ids, mask, types, labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), req["maxGradNorm"])
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            losses.append(loss.item())
            samples += ids.shape[0]
    seconds = time.perf_counter() - start
    print(json.dumps({
        "torch": torch.__version__, "threads": torch.get_num_threads(), "steps": len(losses), "samples": samples,
        "seconds": seconds, "samplesPerSecond": samples / seconds,
        "firstLoss": sum(losses[:50]) / max(1, len(losses[:50])), "lastLoss": sum(losses[-50:]) / max(1, len(losses[-50:])),
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
