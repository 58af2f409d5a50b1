"""Benchmark (not a test): what the set-valued protections of stage 03 buy and cost, on the demo profile's data.

Three anonymised releases of the training admissions, each made by `ppgenai.stages.s03_anonymize.anonymise`
with a throwaway key and the same seed:

- `qi4`: k-anonymity on age, gender, race and stay alone (the release before issue 20), one token per patient;
- `qi6`: the admission type and location added to the quasi-identifiers;
- `qi6+km`: and the diagnosis categories k^m-anonymous (m = 2, counted by patient), one token per admission (the default).

For each it prints the generalisation levels, the records suppressed, what became of the diagnosis categories
(kept exact, raised to their ICD chapter, dropped) and the success of three linkage attackers on 200 training
admissions, with 95 % intervals that resample patients: one who knows the target's quasi-identifiers (the six),
one who knows two of its diagnosis categories (drawn at random, read through the published recoding), and one
who knows both. The raw records are the baseline. Only the table is attacked: no model is trained.

    python tests/benchmarks/bench_km.py                 # the simulated cohort
    python tests/benchmarks/bench_km.py --data demo     # the MIMIC-IV demo (../shared/data/mimic-iv-demo-2.2)
"""
import argparse, secrets, time
import numpy as np, pandas as pd

def main(data, targets, m):
    from ppgenai.core import get_config
    from ppgenai.stages.s01_preprocess import run_preprocess
    from ppgenai.stages.s03_anonymize import anonymise
    from ppgenai.mimic.hierarchies import QUASI_IDENTIFIERS
    from ppgenai.mimic.icd import rollup_codes
    from ppgenai.privacy.anonymity import link_pseudonyms
    from ppgenai.attacks.tables import linkage_attack
    from ppgenai.bootstrap import bootstrap_ci
    cfg = get_config('demo', data=data)
    run_preprocess(cfg)
    adm = pd.read_parquet(cfg.stage_dir('01_preprocess')/'admissions.parquet')
    train = adm[adm.split == 'train'].reset_index(drop=True)
    tg = train.sample(min(targets, len(train)), random_state=0).reset_index(drop=True)
    rng = np.random.default_rng(0)
    real_cats = [list(c) for c in rollup_codes(tg.diagnosis_codes)[0]]
    known = [list(rng.choice(np.asarray(c, dtype=object), min(m, len(c)), replace=False)) if len(c) else [] for c in real_cats]
    key = secrets.token_bytes(32)
    old_qi = ('age', 'gender', 'race_group', 'los_days')
    runs = {'raw': None, 'qi4': dict(quasi_identifiers=old_qi, km_m=0, pseudonyms='patient'),
            'qi6': dict(km_m=0, pseudonyms='patient'), 'qi6+km': dict(km_m=m, pseudonyms='admission')}
    print(f"{data}: {len(train):,} training admissions of {train.subject_id.nunique():,} patients; {len(tg)} targets; k = {cfg.k_anonymity}, m = {m}")
    for name, kw in runs.items():
        t0 = time.perf_counter()
        if kw is None:
            rel, gen, rec, line = train, None, {}, 'the real records'
            truth, cats = np.arange(len(train))[pd.Index(train.hadm_id).get_indexer(tg.hadm_id)], [list(c) for c in rollup_codes(train.diagnosis_codes)[0]]
        else:
            rel, rpt = anonymise(train, key, cfg.k_anonymity, swap_rate=cfg.swap_rate, max_suppression=cfg.max_suppression, age_band=cfg.age_band,
                                 rng=np.random.default_rng(0), **kw)
            gen = {c: l for c, l in {**rpt['fixed_levels'], **rpt['levels']}.items() if l > 0}
            rec, km = rpt['km_recoding'], rpt['km']
            pos = pd.Series(np.arange(len(rel)), index=link_pseudonyms(rel.hadm_id, tg.hadm_id, key, 'hadm_id').astype(object))
            truth = pos[pos.index.notna()].reindex(tg.hadm_id.astype(object)).fillna(-1).astype(int).to_numpy()
            cats = [list(c) for c in rel.diagnosis_codes]
            dx = ('diagnoses: ' + ', '.join(f"{km[f'share_{w}']:.1%} {w.replace('_', ' ')}" for w in ('exact', 'generalised', 'suppressed_globally', 'suppressed_locally'))
                  + f"; k^{m} by patient {km['k_before']} -> {km['k_met']}") if km else 'diagnoses: exact categories'
            line = f"levels {rpt['levels']}; suppressed {rpt['suppressed_share']:.1%}; k = {rpt['after']['k']}; {dx}"
        seen = [[rec.get(x, x) for x in kn if rec.get(x, x) is not None] for kn in known]
        out = {}
        for attack, qi, items in (('QIs', QUASI_IDENTIFIERS, None), (f'{m} dx', (), True), (f'QIs + {m} dx', QUASI_IDENTIFIERS, True)):
            kw2 = dict(known_items=seen, released_items=cats) if items else {}
            r = linkage_attack(tg, rel, truth, quasi_identifiers=qi, generalised=gen, age_band=cfg.age_band, return_hits=True, **kw2)
            v, lo, hi = bootstrap_ci(np.asarray(r['hits']), groups=tg.subject_id, n_boot=1000, seed=0)
            out[attack] = f"{v:.3f} [{lo:.3f}, {hi:.3f}]"
        print(f"  {name:7s} ({time.perf_counter() - t0:4.1f} s) {line}")
        print(f"          linkage success: " + '; '.join(f"{a} {s}" for a, s in out.items()))

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--data', default='simulated'); ap.add_argument('--targets', type=int, default=200); ap.add_argument('--m', type=int, default=2)
    a = ap.parse_args()
    main(a.data, a.targets, a.m)
