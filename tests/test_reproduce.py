"papermill runs the stage notebooks (01 to 08) with injected parameters on the real demo, as `make reproduce` does."
import json, os, subprocess, sys
from pathlib import Path
from conftest import ROOT, run_killing_group

def _papermill(nb, out, root, data, env=None):
    "Run stage notebook `nb` with papermill into `out`, with PPGENAI_ROOT=`root`, no hash key unless `env` gives one."
    pm = Path(sys.executable).parent/'papermill'
    base = {k: v for k, v in os.environ.items() if k not in ('PPGENAI_HASH_KEY', 'PPGENAI_HASH_KEY_FILE')}
    return run_killing_group([str(pm), '--no-progress-bar', '-k', 'python3', '--cwd', str(ROOT/'nbs'), '-r', 'profile', 'smoke', '-r', 'data', str(data),
                              str(ROOT/'nbs'/nb), str(out)], ROOT, 600, env={**base, 'PPGENAI_ROOT': str(root), **(env or {})})

def test_papermill_runs_the_stages_on_the_demo(tmp_path, demo_dir):
    out = tmp_path/'01_preprocess.ipynb'
    r = _papermill('01_preprocess.ipynb', out, tmp_path, demo_dir)
    assert r.returncode == 0, r.stderr[-3000:]
    cells = json.loads(out.read_text())['cells']
    injected = [c for c in cells if 'injected-parameters' in c['metadata'].get('tags', [])]
    assert injected and str(demo_dir) in ''.join(injected[0]['source'])
    assert read_report(tmp_path, '01_preprocess')['admissions_in'] == 275
    figs = list((tmp_path/'runs'/'smoke'/'figures').glob('cohort_summary_smoke_hosp-*.png'))
    assert figs and figs[0].with_suffix('.json').exists() and figs[0].with_suffix('.pdf').exists()
    prov = json.loads(figs[0].with_suffix('.json').read_text())
    assert prov['profile'] == 'smoke' and 'MIMIC-IV hosp files' in prov['data_source']

    # stages 02 and 03 on the same data, the key from a key file as `make reproduce` passes it
    keyfile = tmp_path/'secrets'/'hash.key'
    exe = Path(sys.executable).parent/'ppgenai'
    assert subprocess.run([str(exe), 'keygen', str(keyfile)], capture_output=True).returncode == 0
    key = keyfile.read_text().strip()
    env = {'PPGENAI_HASH_KEY_FILE': str(keyfile)}
    for nb in ('02_dp.ipynb', '03_anonymize.ipynb', '04_synthesize.ipynb'):
        r = _papermill(nb, tmp_path/nb, tmp_path, demo_dir, env)
        assert r.returncode == 0, nb + r.stderr[-3000:]
        assert key not in r.stdout + r.stderr
    dp, an, sy = read_report(tmp_path, '02_dp'), read_report(tmp_path, '03_anonymize'), read_report(tmp_path, '04_synthesize')
    assert sy['records_train'] == dp['bounding']['rows_in'] and 0 < sy['generators']['bayesnet']['fidelity_rate'] <= 100
    assert dp['records'] == dp['bounding']['rows_kept'] <= dp['bounding']['rows_in']  # at most dp_max_admissions per patient
    assert dp['epsilon'] == 1.0 and an['after']['k'] >= 5 and an['records_in'] == dp['bounding']['rows_in']
    mst = sy['generators']['mst']  # DP end to end: one patient-level (ε, δ) on its ledger, and a non-empty release even on 80 patients (smoke ε = 64)
    assert abs(mst['epsilon_per_patient'] - 64.0) < 1e-6 and mst['delta'] == 1e-5 and mst['unit'] == 'patient' and mst['records'] > 0
    assert {r['generator'] for r in sy['dp_sweep']} == {'mst', 'bayesnet-dp-parameters'}
    assert list((tmp_path/'runs'/'smoke'/'figures').glob('anonymity_smoke_hosp-*.png')) and list((tmp_path/'runs'/'smoke'/'figures').glob('dp_utility_smoke_hosp-*.png'))
    # stage 05 on the releases of the real demo: one adapter and one training log per variant
    r = _papermill('05_finetune.ipynb', tmp_path/'05_finetune.ipynb', tmp_path, demo_dir, env)
    assert r.returncode == 0, r.stderr[-3000:]
    ft = read_report(tmp_path, '05_finetune')
    assert sorted(ft['variants']) == sorted(['raw', 'dpsgd', 'ldp-demographics', 'anonymised', 'bayesnet', 'diffusion', 'dp-synthetic', 'raw-topk',
                                             'dpsgd-eps16', 'dp-synthetic-eps16'])  # the smoke profile's frontier: both DP arms again at ε = 16
    trained = {v for v, info in ft['variants'].items() if 'skipped' not in info}  # a DP release may keep no admission on 80 patients
    assert trained >= {'raw', 'dpsgd', 'dpsgd-eps16', 'dp-synthetic', 'raw-topk'}
    assert ft['variants']['dpsgd-eps16']['epsilon'] <= 16.0 and ft['variants']['dpsgd-eps16']['unit'] == 'patient'
    for v, info in ft['variants'].items():
        if v not in trained: continue
        d = next((tmp_path/'artifacts'/'smoke').glob(f'*/05_finetune/{v}'))
        assert (d/'adapter'/'adapter_model.safetensors').exists() and (d/'training_log.json').exists(), v
        assert info['train_records'] > 0 and (v.startswith('dpsgd') or info['best_val_loss'] <= info['initial_val_loss'])
    assert ft['variants']['dpsgd']['epsilon'] <= 8.0 and ft['variants']['dpsgd']['unit'] == 'patient'  # a model-level guarantee
    assert list((tmp_path/'runs'/'smoke'/'figures').glob('finetune_curves_smoke_hosp-*.png'))
    # stage 06: every attack on every model and release of the real demo, one results table and the ROC data
    r = _papermill('06_mia.ipynb', tmp_path/'06_mia.ipynb', tmp_path, demo_dir, env)
    assert r.returncode == 0, r.stderr[-3000:]
    [res] = list((tmp_path/'artifacts'/'smoke').glob('*/06_mia/results'))
    import pandas as pd
    results, roc = pd.read_parquet(res/'results.parquet'), pd.read_parquet(res/'roc.parquet')
    assert set(results.variant) == trained and set(results.target) == {'language model', 'released table', 'canaries', 'canaries in table'}
    can = pd.read_parquet(res/'canaries.parquet')  # every canary scored on every model, the base model as control
    assert set(can.variant) == trained | {'base'} and can.groupby('variant').canary_id.nunique().eq(can.canary_id.nunique()).all()
    mia = json.loads((res/'report.json').read_text())
    assert mia['members'] == mia['nonmembers'] >= 8 and set(roc.variant) == trained  # 12 asked; the calibration patients go first on 100 patients
    assert mia['calibration'] > 0 and not set(mia['calibration_ids']) & {*mia['member_ids'], *mia['nonmember_ids']}  # the strongest attack is chosen apart from the evaluation set
    assert list((tmp_path/'runs'/'smoke'/'figures').glob('mia_smoke_hosp-*.png'))
    # stage 07: utility, the rating packet and the proxy rubric, the DP sweep and the scalability runs, on the real demo
    r = _papermill('07_metrics.ipynb', tmp_path/'07_metrics.ipynb', tmp_path, demo_dir, env)
    assert r.returncode == 0, r.stderr[-3000:]
    [met] = list((tmp_path/'artifacts'/'smoke').glob('*/07_metrics/results'))
    text, human = pd.read_parquet(met/'text_metrics.parquet'), pd.read_parquet(met/'human_eval.parquet')
    assert set(text.model) == {'base', *trained} and (text[text.metric == 'perplexity'].value > 1).all()
    assert set(human.rater_kind) == {'automated proxy, not human'}
    # stage 08: every figure listed in the generated README exists, as PNG and PDF
    r = _papermill('08_figures.ipynb', tmp_path/'08_figures.ipynb', tmp_path, demo_dir, env)
    assert r.returncode == 0, r.stderr[-3000:]
    figdir = tmp_path/'runs'/'smoke'/'figures'
    listed = [l.split('`')[1] for l in (figdir/'README.md').read_text().splitlines() if l.startswith('| `')]
    assert any(n.startswith('frontier_smoke_hosp-') for n in listed) and any(n.startswith('dp_synthetic_smoke_hosp-') for n in listed)
    assert len(listed) >= 12 and any(n.startswith('human_eval_smoke_hosp-') for n in listed) and any(n.startswith('scalability_smoke_hosp-') for n in listed)
    for n in listed: assert (figdir/f'{n}.png').exists() and (figdir/f'{n}.pdf').exists(), n
    r = _papermill('03_anonymize.ipynb', tmp_path/'no_key.ipynb', tmp_path, demo_dir)  # no key: a clear error, not a release
    assert r.returncode != 0 and 'no hash key' in r.stderr + r.stdout
    leaked = [p for p in tmp_path.rglob('*') if p.is_file() and p != keyfile and key.encode() in p.read_bytes()]
    assert not leaked, f'the hash key is written in {leaked}'

def read_report(root, stage):
    [rep] = list((root/'artifacts'/'smoke').glob(f'*/{stage}/report.json'))
    return json.loads(rep.read_text())
