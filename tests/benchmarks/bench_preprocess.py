"""Benchmark (not a test): simulate + write + load + preprocess the cohort at growing sizes.

Each size runs in its own process so that peak memory is that size's alone. Prints wall time and
peak resident memory per step, from ppgenai's stage timer. Sizes are given in patients; the
simulated cohort has about 1.45 admissions per patient, so 300k patients is full MIMIC-IV scale
(about 430k admissions, 6M diagnosis rows, 20M prescription rows).

    python tests/benchmarks/bench_preprocess.py                 # 7k, 70k, 300k patients
    python tests/benchmarks/bench_preprocess.py --patients 7000 --keep-files
"""
import argparse, json, shutil, subprocess, sys, tempfile
from pathlib import Path

def one(n_patients, workdir, keep):
    from ppgenai.core import stage_timer, read_json
    from ppgenai.mimic.cohort import simulate_cohort
    from ppgenai.mimic.hosp import write_hosp, load_hosp
    from ppgenai.mimic.preprocess import preprocess
    led = Path(workdir)/'ledger.json'
    with stage_timer('simulate', led) as r:
        t = simulate_cohort(n_patients, seed=0)
        r.update(admissions=len(t['admissions']), diagnoses=len(t['diagnoses_icd']), prescriptions=len(t['prescriptions']))
    with stage_timer('write csv.gz', led): write_hosp(t, Path(workdir)/'mimic')
    del t
    with stage_timer('load', led): t = load_hosp(Path(workdir)/'mimic')
    with stage_timer('preprocess', led) as r:
        adm, rep = preprocess(t); r['rows_out'] = len(adm)
    del t
    with stage_timer('load + preprocess', led) as r:
        adm, rep = preprocess(load_hosp(Path(workdir)/'mimic')); r['rows_out'] = len(adm)
    if not keep: shutil.rmtree(Path(workdir)/'mimic')
    print(json.dumps(dict(n_patients=n_patients, steps=read_json(led))))

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--patients', type=int, nargs='*', default=[7_000, 70_000, 300_000])
    ap.add_argument('--one', type=int, help=argparse.SUPPRESS)
    ap.add_argument('--workdir', help=argparse.SUPPRESS)
    ap.add_argument('--keep-files', action='store_true', help='keep the written csv.gz files')
    a = ap.parse_args()
    if a.one: return one(a.one, a.workdir, a.keep_files)
    print(f"{'patients':>9} {'admissions':>10} {'dx rows':>10} {'rx rows':>11}  step               wall s   peak RSS MB")
    for n in a.patients:
        with tempfile.TemporaryDirectory() as wd:
            r = subprocess.run([sys.executable, __file__, '--one', str(n), '--workdir', wd] + (['--keep-files'] if a.keep_files else []),
                               capture_output=True, text=True)
            if r.returncode: print(r.stderr[-3000:]); sys.exit(r.returncode)
            res = json.loads(r.stdout.strip().splitlines()[-1])
        sim = res['steps'][0]
        for i, s in enumerate(res['steps']):
            head = f"{n:>9,} {sim['admissions']:>10,} {sim['diagnoses']:>10,} {sim['prescriptions']:>11,}" if i == 0 else ' '*44
            print(f"{head}  {s['stage']:<18} {s['wall_s']:>7.1f} {s['peak_rss_mb']:>12,.0f}")

if __name__ == '__main__': main()
