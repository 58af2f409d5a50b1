"""Benchmark (not a test): differential privacy (stage 02) and anonymisation (stage 03) over 1M admissions.

The table is the preprocessed simulated cohort, repeated with fresh ids (and ages and stays jittered, so
that copies do not inflate k) up to --rows. Prints wall
time (median of 3 runs), rows/s and peak resident memory (ppgenai's stage timer) for the DP release of all protected
attributes, for each mechanism alone, for diffprivlib's Laplace mechanisms on the same column (the
ratio is ours/theirs in rows/s), and for the whole anonymisation.

    python tests/benchmarks/bench_privacy.py                    # 1M rows
    python tests/benchmarks/bench_privacy.py --rows 200000 --diffprivlib-rows 100000
"""
import argparse, secrets, tempfile
from pathlib import Path
import numpy as np
import pandas as pd
from ppgenai.core import get_config, stage_timer, read_json
from ppgenai.stages.s01_preprocess import run_preprocess

def table(rows:int) -> pd.DataFrame:
    "The simulated demo-profile admissions, repeated with fresh ids and jittered ages and stays to `rows` rows."
    cfg = get_config('demo')
    run_preprocess(cfg)
    base = pd.read_parquet(cfg.stage_dir('01_preprocess')/'admissions.parquet')
    reps = -(-rows//len(base))
    rng = np.random.default_rng(0)
    parts = [base.assign(subject_id=base.subject_id + i*10_000_000, hadm_id=base.hadm_id + i*10_000_000,
                         age=np.clip(base.age + rng.integers(-3, 4, len(base)), 18, 99) if i else base.age,
                         los_days=(base.los_days*rng.uniform(0.8, 1.25, len(base))).round(2) if i else base.los_days) for i in range(reps)]
    return pd.concat(parts, ignore_index=True).iloc[:rows]

def timed(name, ledger, fn, repeat=3):
    "Run `fn` `repeat` times; its result, the median wall time and the largest peak memory."
    walls, peaks = [], []
    for _ in range(repeat):
        with stage_timer(name, ledger): res = fn()
        last = read_json(ledger)[-1]
        walls.append(last['wall_s']); peaks.append(last.get('peak_rss_mb') or float('nan'))
    return res, float(np.median(walls)), max(peaks)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rows', type=int, default=1_000_000)
    ap.add_argument('--diffprivlib-rows', type=int, default=None, help='rows for diffprivlib (default: all; it is slow)')
    a = ap.parse_args()
    from ppgenai.stages.s02_dp import dp_release, MIMIC_DOMAINS
    from ppgenai.privacy.dp import laplace_mechanism, randomised_response
    from ppgenai.stages.s03_anonymize import anonymise
    df = table(a.rows)
    n = len(df)
    print(f"{n:,} admissions ({df.diagnosis_codes.map(len).sum():,} diagnosis codes)\n")
    print(f"{'step':58s} {'wall s':>8s} {'rows/s':>12s} {'peak RSS MB':>12s}")
    with tempfile.TemporaryDirectory() as d:
        led = Path(d)/'ledger.json'
        def show(name, wall, peak, rows=n): print(f"{name:58s} {wall:8.2f} {f'{rows/wall:,.0f}' if rows else '':>12s} {peak or float('nan'):12,.0f}")
        age = df.age.to_numpy()
        _, w, p = timed('laplace', led, lambda: laplace_mechanism(age, 18, 100, 1.0)); show('ppgenai Laplace (discrete, snapped), age', w, p)
        los = df.los_days.to_numpy()
        _, w, p = timed('laplace los', led, lambda: laplace_mechanism(los, 0, 30, 1.0, step=0.01)); show('ppgenai Laplace (discrete, snapped), los_days', w, p)
        adm_type = df.admission_type.to_numpy()
        _, w, p = timed('rr', led, lambda: randomised_response(adm_type, MIMIC_DOMAINS['admission_type'], 1.0)); show('ppgenai randomised response, admission_type (9 values)', w, p)
        _, w, p = timed('dp_release', led, lambda: dp_release(df, 1.0)); show('ppgenai dp_release: 3 numeric + 8 categorical attributes', w, p)
        ours = n/timed('laplace again', led, lambda: laplace_mechanism(age, 18, 100, 1.0))[1]
        print('  (ppgenai rows: median of 3 runs; diffprivlib: one run)')

        from diffprivlib.mechanisms import Laplace, Snapping
        m = a.diffprivlib_rows or n
        sub = np.clip(age[:m].astype(float), 18, 100)
        lap = Laplace(epsilon=1.0, sensitivity=82.0)
        _, w, p = timed('dpl', led, lambda: [lap.randomise(x) for x in sub], repeat=1); show('diffprivlib Laplace (textbook sampler), age', w, p, m)
        r1 = ours/(m/w)
        snap = Snapping(epsilon=1.0, sensitivity=82.0, lower=18, upper=100)
        ms = min(m, 200_000)
        _, w, p = timed('snap', led, lambda: [snap.randomise(x) for x in sub[:ms]], repeat=1); show('diffprivlib Snapping (float-safe sampler), age', w, p, ms)
        r2 = ours/(ms/w)

        key = secrets.token_bytes(32)
        from ppgenai.mimic.icd import icd_category_titles
        _, w, p = timed('titles', led, lambda: [icd_category_titles(k) for k in ('diagnosis', 'procedure')], repeat=1); show('  (once per process: load the ICD category titles)', w, p, None)
        (rel, rep), w, p = timed('anonymise', led, lambda: anonymise(df, key)); show('ppgenai anonymise (generalise, swap, hash, suppress, measure)', w, p)
    print(f"\nppgenai Laplace is {r1:,.0f}x diffprivlib's Laplace and {r2:,.0f}x its Snapping mechanism (rows/s, same column)")
    print(f"anonymisation: k={rep['after']['k']}, levels {rep['levels']}, suppressed {rep['suppressed']:,} ({rep['suppressed_share']:.2%})")

if __name__ == '__main__': main()
