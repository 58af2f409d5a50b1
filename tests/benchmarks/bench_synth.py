"""Benchmark (not a test): fit and sample time, and peak memory, of the synthesizers at growing sizes.

The table is the preprocessed simulated cohort, repeated with fresh ids and jittered ages and stays
(see bench_privacy.table) to --rows rows. For each size: fit (encode, structure, parameters) and
sample as many rows as were fitted. Each size runs in its own process, so peak memory is its own.

    python tests/benchmarks/bench_synth.py                      # both generators at 1k, 10k, 100k rows
    python tests/benchmarks/bench_synth.py --generator bayesnet --rows 100000 --method chow-liu
"""
import argparse, json, subprocess, sys, tempfile
from pathlib import Path

def one(rows, generator, method, top_k, workdir):
    sys.path.insert(0, str(Path(__file__).parent))
    from bench_privacy import table
    from ppgenai.core import stage_timer, read_json
    df = table(rows)
    led = Path(workdir)/'ledger.json'
    if generator == 'bayesnet':
        from ppgenai.synth.bayesnet import BayesNetSynthesizer
        with stage_timer('bayesnet fit', led) as r:
            bn = BayesNetSynthesizer(top_k=top_k, method=method).fit(df)
            r.update(notes=f"{len(bn.columns)} columns, {len(bn.edges)} edges ({method}; structure {bn.timings['structure_s']:.1f} s)")
        with stage_timer('bayesnet sample', led): bn.sample(rows, seed=0)
    else:
        from ppgenai.synth.diffusion import DiffusionSynthesizer
        with stage_timer('diffusion fit', led) as r:
            dm = DiffusionSynthesizer(top_k=top_k, progress=False).fit(df)  # U-Net, cosine, 200 steps, 3000 minibatches of 256
            r.update(notes=f"width {dm.codec.width}, final loss {sum(dm.losses[-100:])/100:.3f}")
        with stage_timer('diffusion sample', led): dm.sample(rows, seed=0)
    print(json.dumps(read_json(led)))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rows', type=int, nargs='*', default=[1_000, 10_000, 100_000])
    ap.add_argument('--generator', nargs='*', default=['bayesnet', 'diffusion'], choices=['bayesnet', 'diffusion'])
    ap.add_argument('--method', default='hill-climb', choices=['hill-climb', 'chow-liu'], help='Bayesian network structure')
    ap.add_argument('--top-k', type=int, default=30)
    ap.add_argument('--one', type=int, help=argparse.SUPPRESS)
    ap.add_argument('--workdir', help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one: return one(a.one, a.generator[0], a.method, a.top_k, a.workdir)
    print(f"{'rows':>8}  {'step':18s} {'wall s':>8} {'peak RSS MB':>12}  notes", flush=True)
    for g in a.generator:
        for n in a.rows:
            with tempfile.TemporaryDirectory() as wd:
                r = subprocess.run([sys.executable, __file__, '--one', str(n), '--workdir', wd, '--generator', g, '--method', a.method, '--top-k', str(a.top_k)],
                                   capture_output=True, text=True)
                if r.returncode: print(r.stderr[-3000:]); sys.exit(r.returncode)
                for s in json.loads(r.stdout.strip().splitlines()[-1]):
                    print(f"{n:>8,}  {s['stage']:18s} {s['wall_s']:8.1f} {s['peak_rss_mb']:12,.0f}  {s.get('notes', '')}", flush=True)

if __name__ == '__main__': main()
