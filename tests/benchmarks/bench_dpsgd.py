"""Benchmark (not a test): DP-SGD against non-private LoRA fine-tuning on the same conversations.

On the demo profile's simulated cohort (public data: choosing hyper-parameters on it spends no privacy):
the training admissions, at most `dp_max_admissions` per patient, split as stage 05 splits them. Each run
trains the same adapters (the demo settings) for the same number of steps in its own process, so its peak
memory is its own, and prints training time, tokens/s, peak RSS and the NLL per response token of the
validation conversations (simulated, so public) before and after. DP-SGD runs at the given ε (patient level,
δ = 1e-5) with Poisson sampling at the same expected batch.

    python tests/benchmarks/bench_dpsgd.py                        # LoRA, then DP-SGD at ε=8, lr 5e-4
    python tests/benchmarks/bench_dpsgd.py --runs dpsgd:8:1e-4 dpsgd:8:2e-3 --steps 16
    python tests/benchmarks/bench_dpsgd.py --runs dpsgd:8:5e-3:1 dpsgd:8:5e-3:2   # at most 1 admission per patient (example level) or 2 (patient-level clipping)
"""
import argparse, json, resource, subprocess, sys, time

def one(run, steps, threads):
    import torch
    torch.set_num_threads(threads)
    from ppgenai.core import get_config, seed_everything
    from ppgenai.privacy.dp import bound_contributions
    from ppgenai.stages.s01_preprocess import run_preprocess
    from ppgenai.stages.s05_finetune import released_table, finetune_split, conversations
    from ppgenai.llm.model import resolve_base_model, load_base_model, score_responses
    from ppgenai.llm.lora import attach_lora, train_lora
    from ppgenai.llm.dpsgd import train_lora_dpsgd
    kind, *rest = run.split(':')
    cfg = get_config('demo', **({'dp_max_admissions': int(rest[2])} if len(rest) > 2 else {}))
    run_preprocess(cfg)
    bounded, _ = bound_contributions(released_table(cfg, 'raw'), 'subject_id', cfg.dp_max_admissions, cfg.seed)
    train, val = finetune_split(bounded, cfg.ft_train_records, cfg.ft_val_records, cfg.seed)
    tr, va = conversations(train), conversations(val)
    seed_everything(cfg.seed)
    model, tok = load_base_model(resolve_base_model(cfg.base_model, cfg.root/'artifacts'/'models'), cfg.ft_precision)
    model = attach_lora(model, cfg.lora_rank, cfg.lora_alpha, cfg.lora_dropout, cfg.lora_targets, cfg.lora_top_layers, seed=cfg.seed)
    nll = lambda: float((lambda s: s[0].sum()/s[1].sum())(score_responses(model, tok, va, cfg.ft_max_length, cfg.mia_batch_size)))
    before = nll()
    t0 = time.perf_counter()
    if kind == 'lora':
        log = train_lora(model, tok, tr, va, batch_size=cfg.ft_batch_size, lr=cfg.ft_lr, warmup=cfg.ft_warmup, max_length=cfg.ft_max_length,
                         eval_every=10**9, patience=10**9, max_steps=steps, seed=cfg.seed, progress=False)
        extra = {}
    else:
        eps, lr = float(rest[0]), float(rest[1])
        log = train_lora_dpsgd(model, tok, tr, train.subject_id.to_numpy(), eps, 1e-5, clip=1.0, batch_size=cfg.ft_batch_size, steps=steps, lr=lr,
                               warmup=cfg.ft_warmup, max_length=cfg.ft_max_length, micro_batch=cfg.ft_batch_size, max_per_unit=cfg.dp_max_admissions,
                               seed=cfg.seed, progress=False)
        p = log['privacy']
        extra = dict(max_admissions=cfg.dp_max_admissions, epsilon=round(p['epsilon'], 3), sigma=round(p['noise_multiplier'], 3), q=round(p['sample_rate'], 4),
                     examples_used=log['examples_used'], clipped_share=round(sum(s['clipped'] for s in log['steps'])/max(1, log['examples_used']), 3))
    wall = time.perf_counter() - t0
    print(json.dumps(dict(run=run, steps=steps, patients=int(train.subject_id.nunique()), conversations=len(tr), train_s=log['train_s'], wall_s=round(wall, 1),
                          tokens=log['tokens'], tokens_per_s=log['tokens_per_s'], peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024),
                          val_nll_before=round(before, 4), val_nll_after=round(nll(), 4), **extra)))

if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--runs', nargs='+', default=['lora', 'dpsgd:8:5e-4'])
    ap.add_argument('--steps', type=int, default=32)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--one', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one: one(a.one, a.steps, a.threads); sys.exit()
    for r in a.runs:
        out = subprocess.run([sys.executable, __file__, '--one', r, '--steps', str(a.steps), '--threads', str(a.threads)], capture_output=True, text=True)
        lines = [l for l in out.stdout.splitlines() if l.startswith('{')]
        print(lines[-1] if lines else f"{r}: failed\n{out.stderr[-2000:]}", flush=True)
