"""Benchmark (not a test): the cost of every table stage as the data grow, up to the paper's 100k admissions.

`make reproduce` (demo profile) times the stages at 1k, 3k and 10k admissions within its hour; this script
runs the same `ppgenai.evaluation.scaling.scaling_runs` at the sizes given (default 1k, 10k and 100k
simulated admissions; the paper profile's sizes), prints every measurement and the fitted growth exponents
of time and peak memory, and writes the table to --out. The language-model stages are left out by default
(--llm 8 16 32 adds them): on a CPU they cost seconds per conversation, and their growth is linear by
construction.

    python tests/benchmarks/bench_scaling.py
    python tests/benchmarks/bench_scaling.py --sizes 1000 3000 10000 30000 --train-steps 300
"""
import argparse, time
import pandas as pd
from ppgenai.core import get_config
from ppgenai.evaluation.scaling import scaling_runs, scaling_summary

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--sizes', type=int, nargs='+', default=[1_000, 10_000, 100_000], help='admissions per run of the table stages')
    ap.add_argument('--llm', type=int, nargs='*', default=[], help='conversations per run of the language-model stages (none by default)')
    ap.add_argument('--train-steps', type=int, default=300, help='diffusion training minibatches (its fit time is set by these, not by the rows)')
    ap.add_argument('--out', default='runs/bench/scaling.parquet', help='where the measurements are written')
    a = ap.parse_args(argv)
    cfg = get_config('demo')
    t0 = time.perf_counter()
    runs = scaling_runs(cfg, a.sizes, a.llm, a.train_steps)
    cols = ['stage', 'rows', 'status', 'wall_s', 'cpu_s', 'peak_rss_mb', 'peak_over_start_mb']
    print(runs[cols].to_string(index=False))
    print('\ngrowth exponents (value ∝ rows^b; R² of the log-log fit):')
    print(scaling_summary(runs).round(3).to_string(index=False))
    failed = runs[runs.status != 'ok']
    if len(failed): print('\nFAILED runs:\n' + failed[['stage', 'rows', 'error']].to_string(index=False))
    from pathlib import Path
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    runs.to_parquet(a.out, index=False)
    print(f'\n{len(runs)} runs in {time.perf_counter() - t0:.0f} s; written to {a.out}')

if __name__ == '__main__': main()
