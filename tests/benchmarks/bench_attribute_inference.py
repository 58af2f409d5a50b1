"""Benchmark (not a test): attribute inference on every released table of a finished run (ppgenai.attacks.tables.attribute_inference).

For each released table (raw, local-DP, anonymised, and the synthetic ones) and each sensitive diagnosis of
SENSITIVE_DIAGNOSES that enough attacked patients have, the AUC of an adversary who knows all of a target's admission
but that diagnosis — on stage 06's members and, apart, on its non-members — against the same guess from the
population (stage 06's other held-out patients), and the paired gain, with 95 % intervals resampling patients. It
reads the stages' cached results and trains nothing: run it after `make reproduce` of the same profile and data.

    PPGENAI_HASH_KEY_FILE=.secrets/hash.key python tests/benchmarks/bench_attribute_inference.py --profile demo
"""
import argparse, time
import pandas as pd
from ppgenai.core import get_config
from ppgenai.privacy.anonymity import load_key
from ppgenai.stages.s05_finetune import released_table, trained_variants, variant_spec, MODEL_ONLY
from ppgenai.stages.s06_mia import membership, released_levels
from ppgenai.attacks.tables import table_view, attribute_inference, has_attribute, SENSITIVE_DIAGNOSES

def main(profile:str, data:str, n_boot:int, min_cases:int):
    cfg = get_config(profile, data)
    key = load_key()
    sets = membership(cfg, key=key)
    rows, t0 = [], time.perf_counter()
    for v in [v for v in trained_variants(cfg) if variant_spec(cfg, v)[0] not in MODEL_ONLY]:  # the released tables
        rel = released_table(cfg, v)
        if 'canary' in rel: rel = rel[~rel.canary].reset_index(drop=True)
        gen = released_levels(cfg, v)
        view = lambda d: table_view(d, gen, cfg.age_band)
        for attr, cats in SENSITIVE_DIAGNOSES.items():
            for who in ('members', 'nonmembers'):
                t = sets[who]
                has = has_attribute(view(t), cats)
                if min(has.sum(), (~has).sum()) < min_cases: continue
                r = attribute_inference(view(t), table_view(rel), view(sets['population']), attr, groups=t.subject_id, n_boot=n_boot, seed=cfg.seed)
                rows.append(dict(release=v, attribute=attr, targets=who, with_attribute=r['with_attribute'], n=r['targets'], matched=r['matched'],
                                 auc_release='{:.3f} [{:.3f}, {:.3f}]'.format(*r['auc_release']), auc_population='{:.3f} [{:.3f}, {:.3f}]'.format(*r['auc_population']),
                                 gain='{:+.3f} [{:+.3f}, {:+.3f}]'.format(*r['gain'])))
    pd.set_option('display.width', 250); pd.set_option('display.max_columns', 20)
    print(f"{cfg.profile} profile, {cfg.data} data: {len(sets['members'])} members, {len(sets['nonmembers'])} non-members, population {len(sets['population'])} admissions; "
          f"attributes with at least {min_cases} targets with and without; {time.perf_counter() - t0:.1f} s")
    print(pd.DataFrame(rows).to_string(index=False))

if __name__ == '__main__':
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--profile', default='demo'); p.add_argument('--data', default='simulated')
    p.add_argument('--n-boot', type=int, default=1000); p.add_argument('--min-cases', type=int, default=5)
    main(**{k.replace('-', '_'): v for k, v in vars(p.parse_args()).items()})
