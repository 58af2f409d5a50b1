"""Benchmark (not a test): one process with every thread against `run_jobs` workers of one thread each.

What stages 05-07 do to every model — train LoRA adapters, score conversations, generate answers — on the
demo profile's simulated conversations (public), twice: `--jobs` jobs one after the other in this process
with all the CPUs' threads, then the same jobs in as many single-thread worker processes as there are CPUs
(`ppgenai.workers.run_jobs`). It prints the wall time of each and the speed-up. Run it alone: another
CPU-heavy job beside it spoils both numbers.

    python tests/benchmarks/bench_workers.py                 # train, score and generate, 2 jobs each
    python tests/benchmarks/bench_workers.py --tasks score --jobs 4 --records 96
"""
import argparse, functools, os, time

def job(task:str, records:int, steps:int, seed:int) -> float:
    "One model's work on `records` conversations; returns its own wall time."
    import torch
    from ppgenai.core import get_config, seed_everything
    from ppgenai.stages.s01_preprocess import run_preprocess
    from ppgenai.stages.s05_finetune import released_table, finetune_split, conversations
    from ppgenai.llm.model import resolve_base_model, load_base_model, generate
    from ppgenai.llm.lora import attach_lora, train_lora
    from ppgenai.attacks.llm import token_stats
    cfg = get_config('demo')
    run_preprocess(cfg)
    train, val = finetune_split(released_table(cfg, 'raw'), records, 8, seed)
    convs = conversations(train)
    seed_everything(seed)
    model, tok = load_base_model(resolve_base_model(cfg.base_model, cfg.root/'artifacts'/'models'), cfg.ft_precision)
    t0 = time.perf_counter()
    if task == 'train':
        model = attach_lora(model, cfg.lora_rank, cfg.lora_alpha, cfg.lora_dropout, cfg.lora_targets, cfg.lora_top_layers, seed=seed)
        train_lora(model, tok, convs, conversations(val), batch_size=cfg.ft_batch_size, lr=cfg.ft_lr, max_length=cfg.ft_max_length,
                   eval_every=10**9, patience=10**9, max_steps=steps, seed=seed, progress=False)
    elif task == 'score': token_stats(model, tok, convs, cfg.ft_max_length, cfg.mia_batch_size)
    else: generate(model, tok, [c[:-1] for c in convs], max_new_tokens=cfg.gen_max_new_tokens, batch_size=cfg.gen_batch_size,
                   repetition_penalty=cfg.gen_repetition_penalty)
    return time.perf_counter() - t0

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--tasks', nargs='+', default=['train', 'score', 'generate'], choices=['train', 'score', 'generate'])
    ap.add_argument('--jobs', type=int, default=2, help='models per task')
    ap.add_argument('--records', type=int, default=48, help='conversations per job')
    ap.add_argument('--steps', type=int, default=6, help='training steps per job')
    a = ap.parse_args()
    import torch
    from ppgenai.workers import run_jobs
    cpus = os.cpu_count() or 1
    print(f'{cpus} CPUs; {a.jobs} jobs per task, {a.records} conversations each')
    for task in a.tasks:
        jobs = {f'{task}{i}': functools.partial(job, task, a.records, a.steps, i) for i in range(a.jobs)}
        torch.set_num_threads(cpus)
        t0 = time.perf_counter(); run_jobs(jobs, workers=1); serial = time.perf_counter() - t0
        t0 = time.perf_counter(); each = run_jobs(jobs, workers=cpus, threads=1); parallel = time.perf_counter() - t0
        print(f'{task:9s} one process x {cpus} threads: {serial:7.1f} s | {cpus} workers x 1 thread: {parallel:7.1f} s '
              f'(jobs {min(each.values()):.1f}-{max(each.values()):.1f} s each, start-up included in the total) | speed-up {serial/parallel:.2f}x', flush=True)
