"""Benchmark (not a test): distance to closest record with FAISS against scikit-learn's NearestNeighbors.

The rows are the simulated demo-profile admissions in the table attacks' encoding (ppgenai.attacks.tables:
numeric columns standardised, one-hot categories, multi-hot diagnosis categories), repeated with jittered
numeric columns to N rows; the "released" and the "real" tables are two such jittered copies. For each size
N, the time to find every released row's nearest real row (exact L2) with FAISS (IndexFlatL2) and with
scikit-learn (NearestNeighbors, brute force, all cores), and whether the two agree.

A search over N x N rows is linear in the number of queries, so where a full run would take too long the
script times, above 100k rows, the first --queries (--sklearn-queries) queries against the whole N-row index
and scales up; every line says whether its time is measured or scaled.

    python tests/benchmarks/bench_mia.py                        # 100k x 100k and 1M x 1M
    python tests/benchmarks/bench_mia.py --rows 1000000 --queries 0      # 1M x 1M in full (about an hour on 2 cores)
"""
import argparse, time
import numpy as np
import pandas as pd
from ppgenai.core import get_config
from ppgenai.stages.s01_preprocess import run_preprocess
from ppgenai.attacks.tables import table_view, DistanceEncoder, nearest

FULL = 100_000  # sizes up to this are always searched in full

def encoded(rows:int, seed:int) -> np.ndarray:
    "The encoded demo admissions, tiled to `rows` rows with the numeric columns jittered."
    cfg = get_config('demo')
    run_preprocess(cfg)
    adm = pd.read_parquet(cfg.stage_dir('01_preprocess')/'admissions.parquet')
    view = table_view(adm)
    enc = DistanceEncoder().fit(view)
    base = enc.transform(view)
    x = base[np.random.default_rng(seed).integers(0, len(base), rows)]
    x[:, :len(enc.numeric)] += np.random.default_rng(seed + 1).normal(0, 0.05, (rows, len(enc.numeric))).astype(np.float32)
    return x

def sklearn_nearest(reference, queries):
    from sklearn.neighbors import NearestNeighbors
    return NearestNeighbors(n_neighbors=1, algorithm='brute', n_jobs=-1).fit(reference).kneighbors(queries)

def bench(rows:int, queries:int, sk_queries:int):
    real, released = encoded(rows, 0), encoded(rows, 100)
    q = rows if rows <= FULL or not queries or queries >= rows else queries
    t = time.perf_counter(); d_f, i_f = nearest(real, released[:q], 1); t_faiss = time.perf_counter() - t
    sq = rows if rows <= FULL or not sk_queries else min(q, sk_queries)
    t = time.perf_counter(); d_s, i_s = sklearn_nearest(real, released[:sq]); t_sk = time.perf_counter() - t
    agree = np.allclose(d_f[:sq, 0], d_s[:, 0], atol=1e-3)
    scale_f, scale_s = rows/q, rows/sq
    print(f"{rows:>9,} x {rows:<9,} dims {real.shape[1]}: FAISS {t_faiss*scale_f:8.1f} s ({'measured' if q == rows else f'scaled from {q:,} queries'}), "
          f"scikit-learn {t_sk*scale_s:8.1f} s ({'measured' if sq == rows else f'scaled from {sq:,} queries'}), "
          f"ratio {t_sk*scale_s/(t_faiss*scale_f):5.1f}x, nearest distances agree: {agree}", flush=True)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--rows', type=int, nargs='*', default=[100_000, 1_000_000])
    ap.add_argument('--queries', type=int, default=100_000, help='FAISS queries timed for sizes above 100k (0: all)')
    ap.add_argument('--sklearn-queries', type=int, default=20_000, help='scikit-learn queries timed for sizes above 100k (0: all)')
    a = ap.parse_args()
    import faiss
    print(f"FAISS {faiss.__version__}, {faiss.omp_get_max_threads()} threads")
    for rows in a.rows: bench(rows, a.queries, a.sklearn_queries)

if __name__ == '__main__': main()
