"""Compare the results of two pipeline runs, file by file: `python tests/benchmarks/compare_runs.py ARTIFACTS_A ARTIFACTS_B`.

Each argument is an artifacts folder of one profile and data source (e.g. `artifacts/smoke/simulated`). Tables are compared cell by
cell (numbers to 1e-9 relative), JSON after dropping what is expected to differ between runs (times, dates, paths, peak memory).
Adapters and checkpoints are compared byte for byte. Prints one line per file: `same`, or what differs."""
import json, sys
from pathlib import Path
import numpy as np
import pandas as pd

VOLATILE = {'finished', 'created', 'wall_s', 'cpu_s', 'fit_s', 'peak_rss_mb', 'start_rss_mb', 'peak_over_start_mb', 'tokens_per_s', 'outputs',
            'timings', 'elapsed_s', 'seconds', 'fingerprint', 'cached', 'ratings_dir', 'samples_per_s', 'step_s', 'train_s', 'sample_s'}

def strip(o):
    if isinstance(o, dict): return {k: strip(v) for k, v in o.items() if k not in VOLATILE}
    if isinstance(o, list): return [strip(v) for v in o]
    if isinstance(o, float): return round(o, 9)
    return o

def first_diff(a, b, path=''):
    if type(a) != type(b): return f'{path}: {type(a).__name__} vs {type(b).__name__}'
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b: return f'{path}/{k}: only in {"B" if k not in a else "A"}'
            d = first_diff(a[k], b[k], f'{path}/{k}')
            if d: return d
        return None
    if isinstance(a, list):
        if len(a) != len(b): return f'{path}: {len(a)} vs {len(b)} items'
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_diff(x, y, f'{path}[{i}]')
            if d: return d
        return None
    return None if a == b else f'{path}: {str(a)[:60]!r} vs {str(b)[:60]!r}'

def compare_tables(a:pd.DataFrame, b:pd.DataFrame) -> str|None:
    if list(a.columns) != list(b.columns): return f'columns differ: {sorted(set(a.columns) ^ set(b.columns))}'
    if len(a) != len(b): return f'{len(a)} vs {len(b)} rows'
    bad = []
    for c in a.columns:
        x, y = a[c], b[c]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(x):
            xv, yv = x.to_numpy(float), y.to_numpy(float)
            ok = np.isclose(xv, yv, rtol=1e-9, atol=1e-12, equal_nan=True)
            if not ok.all(): bad.append(f'{c} ({int((~ok).sum())} cells, max |Δ| {np.nanmax(np.abs(xv - yv)):.3g})')
        else:
            xs, ys = x.astype(str).to_numpy(), y.astype(str).to_numpy()
            if (xs != ys).any(): bad.append(f'{c} ({int((xs != ys).sum())} cells)')
    return '; '.join(bad) or None

def compare(a:Path, b:Path) -> str|None:
    if a.suffix == '.parquet': return compare_tables(pd.read_parquet(a), pd.read_parquet(b))
    if a.suffix == '.csv': return compare_tables(pd.read_csv(a), pd.read_csv(b))
    if a.suffix == '.json': return first_diff(strip(json.loads(a.read_text())), strip(json.loads(b.read_text())))
    if a.suffix == '.jsonl': return None if a.read_bytes() == b.read_bytes() else 'contents differ'
    if a.suffix == '.npz':
        x, y = np.load(a), np.load(b)
        return None if all(np.allclose(x[k], y[k], rtol=1e-6, atol=1e-7) for k in x.files) else 'arrays differ'
    return None if a.read_bytes() == b.read_bytes() else 'bytes differ'

def main(a, b):
    a, b = Path(a), Path(b)
    skip = {'_done.json', 'stage_ledger.json'}
    fa = {p.relative_to(a) for p in a.rglob('*') if p.is_file() and p.name not in skip}
    fb = {p.relative_to(b) for p in b.rglob('*') if p.is_file() and p.name not in skip}
    same = diff = 0
    for rel in sorted(fa | fb):
        if rel not in fa or rel not in fb: print(f'{rel}: only in {"A" if rel in fa else "B"}'); diff += 1; continue
        d = compare(a/rel, b/rel)
        print(f'{rel}: {"same" if d is None else d}')
        same += d is None; diff += d is not None
    print(f'{same} files the same, {diff} different or only on one side')

if __name__ == '__main__': main(*sys.argv[1:3])
