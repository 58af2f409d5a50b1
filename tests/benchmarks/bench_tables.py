"""Benchmark (not a test): both generators on two tables that ship with installed packages and look nothing like MIMIC.

- scikit-learn's breast-cancer data (569 rows: 30 measurements and the diagnosis), and
- statsmodels' `fair` survey of extramarital affairs (6 366 rows, 9 columns: counts, ratings and codes; the occupation
  codes are declared categorical).

Each table is split 70/30 into train and holdout; each generator is fitted on train and samples as many rows; the
report is `ppgenai.evaluation.reports.synthetic_report`. Printed per table and generator: fit and sample time, the
Bayesian network's structure-learning time, marginal and association similarity, the fidelity rate, the detection AUC,
train-on-synthetic/test-on-real against train-on-real, and the privacy measures (share of synthetic rows closer to
train than to holdout, exact copies, DCR membership AUC).

    python tests/benchmarks/bench_tables.py
    python tests/benchmarks/bench_tables.py --train-steps 3000 --out runs/bench/tables.parquet
"""
import argparse, time
from pathlib import Path
import pandas as pd

def tables() -> dict:
    from sklearn.datasets import load_breast_cancer
    import statsmodels.api as sm
    bc = load_breast_cancer(as_frame=True)
    cancer = bc.data.assign(diagnosis=pd.Series(bc.target).map({0: 'malignant', 1: 'benign'}))
    fair = sm.datasets.fair.load_pandas().data
    return {'breast_cancer': (cancer, 'diagnosis', {}),
            'fair': (fair, 'rate_marriage', {'occupation': 'categorical', 'occupation_husb': 'categorical', 'rate_marriage': 'categorical'})}

def main(argv=None):
    from ppgenai.synth.table import BayesNetGenerator, DiffusionGenerator
    from ppgenai.evaluation.reports import synthetic_report
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--train-steps', type=int, default=2000, help='diffusion training minibatches (default 2000)')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--out', default='runs/bench/tables.parquet', help='where the measurements are written')
    a = ap.parse_args(argv)
    rows = []
    for name, (df, target, kinds) in tables().items():
        df = df.sample(frac=1, random_state=a.seed).reset_index(drop=True)
        cut = int(0.7*len(df))
        train, holdout = df.iloc[:cut].reset_index(drop=True), df.iloc[cut:].reset_index(drop=True)
        for method, make in (('bayesnet', lambda: BayesNetGenerator(kinds=kinds)),
                             ('diffusion', lambda: DiffusionGenerator(kinds=kinds, train_steps=a.train_steps, seed=a.seed))):
            gen = make()
            t0 = time.perf_counter(); gen.fit(train); fit_s = time.perf_counter() - t0
            t0 = time.perf_counter(); synth = gen.sample(len(train), seed=a.seed); sample_s = time.perf_counter() - t0
            rep = synthetic_report(train, holdout, synth, target=target, kinds=kinds, seed=a.seed)
            u, p = rep['utility'], rep['privacy']
            rows.append(dict(table=name, rows=len(df), columns=df.shape[1], method=method, fit_s=fit_s, sample_s=sample_s,
                             structure_s=gen.timings.get('structure_s', float('nan')), marginal=rep['fidelity']['marginal'],
                             association=rep['fidelity']['association'], fidelity_rate=rep['fidelity']['fidelity_rate'],
                             detection_auc=rep['detection_auc'], tstr_score=u['score'], real=u[f"{u['score']}_real"], synthetic=u[f"{u['score']}_synthetic"],
                             closer_to_train=p['share_closer_to_train'], exact_copies=p['exact_copies'], membership_auc=p['membership']['auc']['value']))
            print(pd.DataFrame(rows[-1:]).round(3).to_string(index=False), flush=True)
    res = pd.DataFrame(rows)
    print('\n' + res.round(3).to_string(index=False))
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    res.to_parquet(a.out, index=False)
    print(f'written to {a.out}')

if __name__ == '__main__': main()
