"""Train neuroviz's bundled model: a small GPT-2 on the CPython standard library.

No causal LM with weights can be downloaded on the machines neuroviz is built
on, so the package ships its own. This script is the whole recipe: the data
(every `*.py` of the running interpreter's standard library, split by file into
train and held-out), the tokenizer (byte-level BPE trained on the train split),
the model (GPT-2 architecture, random init from a fixed seed) and the loop.

    python tools/train_stdlib_gpt2.py --steps 1500 --out neuroviz/models/stdlib-gpt2

It writes a standard transformers folder (config, fp16 safetensors, tokenizer)
that `AutoModelForCausalLM.from_pretrained` loads offline, plus `training.json`
with the settings, the held-out loss and a sample.
"""
import argparse, hashlib, json, math, os, sys, sysconfig, time
from pathlib import Path

import numpy as np
import torch

EOS = "<|endoftext|>"


def stdlib_files():
    "All `.py` files of this interpreter's standard library, sorted, site-packages excluded."
    root = Path(sysconfig.get_paths()["stdlib"])
    fs = sorted(p for p in root.rglob("*.py") if "site-packages" not in p.parts and "dist-packages" not in p.parts)
    return root, fs


def is_heldout(rel: str) -> bool:
    "A file is held out when the hash of its relative path falls in 1/20 of the space (stable across machines)."
    return int(hashlib.sha1(rel.encode()).hexdigest()[:8], 16) % 20 == 0


def read(p: Path) -> str:
    return p.read_text(encoding="utf-8", errors="replace")


def split_files():
    root, fs = stdlib_files()
    train, held = [], []
    for p in fs:
        (held if is_heldout(p.relative_to(root).as_posix()) else train).append(p)
    return root, train, held


def train_tokenizer(texts, vocab_size):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tr = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=[EOS], min_frequency=2,
                             initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=tr)
    from transformers import PreTrainedTokenizerFast
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=EOS, eos_token=EOS, unk_token=EOS,
                                   model_max_length=10**9)


def encode(tok, texts):
    eos = tok.convert_tokens_to_ids(EOS)
    out = []
    for i in range(0, len(texts), 64):
        for ids in tok(texts[i:i + 64])["input_ids"]:
            out.extend(ids); out.append(eos)
    return np.asarray(out, dtype=np.uint16)


@torch.no_grad()
def evaluate(model, data, ctx, n=64, seed=0):
    g = np.random.default_rng(seed)
    starts = g.integers(0, len(data) - ctx - 1, n)
    losses = []
    for s in range(0, n, 16):
        x = torch.stack([torch.from_numpy(data[i:i + ctx + 1].astype(np.int64)) for i in starts[s:s + 16]])
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(x[:, :-1]).logits
        losses.append(torch.nn.functional.cross_entropy(logits.float().flatten(0, 1), x[:, 1:].flatten()).item())
    return float(np.mean(losses))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="neuroviz/models/stdlib-gpt2")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--layers", type=int, default=6)
    ap.add_argument("--d-model", type=int, default=256)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--vocab", type=int, default=4096)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", "1")))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--eval-every", type=int, default=250)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    from transformers import GPT2Config, GPT2LMHeadModel

    t0 = time.time()
    root, train_fs, held_fs = split_files()
    train_txt, held_txt = [read(p) for p in train_fs], [read(p) for p in held_fs]
    tok = train_tokenizer(train_txt, a.vocab)
    train, held = encode(tok, train_txt), encode(tok, held_txt)
    print(f"{len(train_fs)} train files -> {len(train):,} tokens; {len(held_fs)} held-out -> {len(held):,} "
          f"({time.time() - t0:.0f}s)", flush=True)

    cfg = GPT2Config(vocab_size=len(tok), n_positions=a.ctx, n_embd=a.d_model, n_layer=a.layers, n_head=a.heads,
                     bos_token_id=tok.eos_token_id, eos_token_id=tok.eos_token_id, tie_word_embeddings=True,
                     resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
    model = GPT2LMHeadModel(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"{n_params/1e6:.2f}M parameters", flush=True)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95))
    warm = max(1, a.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1, (s + 1) / warm) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1, s / a.steps)))))
    g = np.random.default_rng(a.seed)
    model.train()
    t1, history = time.time(), []
    for step in range(a.steps):
        starts = g.integers(0, len(train) - a.ctx - 1, a.batch)
        x = torch.stack([torch.from_numpy(train[i:i + a.ctx + 1].astype(np.int64)) for i in starts])
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(x[:, :-1]).logits
        loss = torch.nn.functional.cross_entropy(logits.float().flatten(0, 1), x[:, 1:].flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(); sched.step()
        if step % 25 == 0:
            tps = (step + 1) * a.batch * a.ctx / (time.time() - t1)
            print(f"step {step} loss {loss.item():.3f} {tps:,.0f} tok/s", flush=True)
        if (step + 1) % a.eval_every == 0 or step + 1 == a.steps:
            model.eval(); vl = evaluate(model, held, a.ctx); model.train()
            history.append({"step": step + 1, "train_loss": round(loss.item(), 4), "val_loss": round(vl, 4)})
            print(f"== step {step + 1} held-out loss {vl:.3f}", flush=True)
            save(model, tok, a, history, n_params, len(train), len(held), len(train_fs), len(held_fs), time.time() - t0)
    print(f"done in {time.time() - t0:.0f}s", flush=True)


def save(model, tok, a, history, n_params, n_train, n_held, f_train, f_held, secs):
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    model.eval()
    half = type(model)(model.config)
    half.load_state_dict(model.state_dict()); half = half.half()
    half.generation_config.pad_token_id = tok.eos_token_id
    half.save_pretrained(out, safe_serialization=True)
    tok.save_pretrained(out)
    prompt = "def read_config(path):\n"
    ids = tok(prompt, return_tensors="pt").input_ids
    with torch.no_grad():
        gen = model.generate(ids, max_new_tokens=60, do_sample=False, pad_token_id=tok.eos_token_id)
    meta = {"recipe": "tools/train_stdlib_gpt2.py", "args": vars(a), "python": sys.version.split()[0],
            "parameters": n_params, "train_tokens": n_train, "heldout_tokens": n_held, "train_files": f_train,
            "heldout_files": f_held, "tokens_seen": history[-1]["step"] * a.batch * a.ctx, "seconds": round(secs),
            "history": history, "sample_prompt": prompt, "sample": tok.decode(gen[0])}
    (out / "training.json").write_text(json.dumps(meta, indent=1) + "\n")
    model.train()


if __name__ == "__main__":
    main()
