"""Fine-tuning throughput: LoRA training tokens/s by precision and adapted layers, and generation tokens/s (prints a table).

    python tests/benchmarks/bench_finetune.py [--steps 4] [--batch 8] [--records 64]

Trains on real prompts of the demo-profile simulated cohort (stage 01 is run if needed). Each setting trains
`--steps` optimiser steps after one warm-up step; on a GPU the log's model FLOPs utilisation is printed too.
"""
import argparse, time
import numpy as np
import pandas as pd
import torch
from ppgenai.core import get_config
from ppgenai.stages.s01_preprocess import run_preprocess
from ppgenai.stages.s05_finetune import conversations, finetune_split
from ppgenai.llm.model import SMOLLM2, resolve_base_model, load_base_model, generate, default_device
from ppgenai.llm.lora import attach_lora, train_lora

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--steps', type=int, default=4)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--records', type=int, default=64, help='conversations to generate answers for')
    ap.add_argument('--base-model', default=SMOLLM2)
    args = ap.parse_args(argv)
    cfg = get_config('demo')
    run_preprocess(cfg)
    adm = pd.read_parquet(cfg.stage_dir('01_preprocess')/'admissions.parquet')
    train, val = finetune_split(adm[adm.split == 'train'], (args.steps + 1)*args.batch, 8, seed=0)
    ref = resolve_base_model(args.base_model, cfg.root/'artifacts'/'models')
    device = default_device()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {device}")
    rows = []
    settings = [('fp32', None), ('bf16-mixed', None), ('bf16-mixed', 15), ('fp32', 15)] if device == 'cpu' else [('bf16', None)]
    for precision, top in settings:
        model, tok = load_base_model(ref, precision, device)
        model = attach_lora(model, 16, 32, 0.05, top_layers=top)
        t = time.perf_counter()
        log = train_lora(model, tok, conversations(train), conversations(val), batch_size=args.batch, max_length=512,
                         eval_every=10**6, patience=10**6, max_steps=args.steps + 1, progress=False)
        steps = log['steps'][1:]  # the first step warms up kernels and allocators
        toks = steps[-1]['tokens'] - log['steps'][0]['tokens']
        rows.append(dict(precision=precision, adapted_layers=top or model.config.num_hidden_layers, steps=len(steps),
                         tokens_per_step=round(toks/len(steps)), train_tokens_per_s=round(log['tokens_per_s'], 1),
                         response_tokens_per_s=round(log['response_tokens_per_s'], 1), mfu=log.get('mfu'),
                         wall_s=round(time.perf_counter() - t, 1)))
        print(rows[-1], flush=True)
    print(pd.DataFrame(rows).to_string(index=False))
    cases = conversations(adm[adm.split == 'test'].head(args.records))
    for precision in (('fp32', 'bf16-mixed') if device == 'cpu' else ('bf16',)):
        model, tok = load_base_model(ref, precision, device)
        t = time.perf_counter()
        answers = generate(model, tok, cases, max_new_tokens=128, batch_size=16)
        s = time.perf_counter() - t
        n_new = sum(len(tok(a).input_ids) for a in answers)
        print(f"generation ({precision}): {len(cases)} prompts, {n_new} new tokens in {s:.1f} s = {n_new/s:.1f} tokens/s, {s/len(cases):.2f} s per answer")

if __name__ == '__main__': main()
