"Stage 01 end to end: the simulated cohort, the real demo, and bad input."
import gzip, json, shutil
import pandas as pd
import pytest
from ppgenai.core import get_config, read_json
from ppgenai.mimic.hosp import HOSP_TABLES, HospDataError, load_hosp, write_hosp
from ppgenai.mimic.cohort import simulate_cohort
from ppgenai.stages.s01_preprocess import PREPROCESS_OUTPUTS, run_preprocess
from ppgenai.mimic.preprocess import preprocess, ADMISSION_COLUMNS
from ppgenai.attacks.canaries import CANARY_COLUMNS

def _jsonl(p): return [json.loads(l) for l in p.read_text().splitlines()]

def _check_stage(cfg, rep):
    out = cfg.stage_dir('01_preprocess')
    assert all((out/o).exists() for o in PREPROCESS_OUTPUTS)
    assert rep['admissions_in'] == rep['admissions_out'] + rep['excluded_total']
    adm = pd.read_parquet(out/'admissions.parquet')
    assert list(adm.columns) == [*ADMISSION_COLUMNS, 'split', *CANARY_COLUMNS] and adm.hadm_id.is_unique
    assert (~adm.canary).sum() == rep['admissions_out'] and adm.canary.sum() == rep['canaries']['inserted_rows'] > 0  # the planted canaries, marked
    train, test = _jsonl(out/'train.jsonl'), _jsonl(out/'test.jsonl')
    assert len(train) + len(test) == len(adm) and train and test
    assert sum(r['canary'] for r in train) == adm.canary.sum() and not any(r['canary'] for r in test)
    assert not {r['subject_id'] for r in train} & {r['subject_id'] for r in test}
    for r in train[:20] + test[:20]:
        assert [m['role'] for m in r['messages']] == ['system', 'user', 'assistant']
        assert r['messages'][2]['content'].startswith('Medications: ')
    return adm[~adm.canary].reset_index(drop=True)  # the real admissions

def test_simulated_source(tmp_path):
    cfg = get_config('smoke', root=tmp_path)
    rep = run_preprocess(cfg)
    adm = _check_stage(cfg, rep)
    assert 'SIMULATED' in rep['source']
    assert run_preprocess(cfg)['cached'] is True
    assert run_preprocess(get_config('smoke', root=tmp_path, seed=1))['cached'] is False  # a new seed is new data

def test_real_demo_end_to_end(tmp_path, demo_dir):
    cfg = get_config('smoke', data=str(demo_dir), root=tmp_path)
    rep = run_preprocess(cfg)
    adm = _check_stage(cfg, rep)
    assert rep['admissions_in'] == 275
    # every exclusion is explained: the demo loses only admissions with no treatment to recommend
    assert rep['exclusions'] == {'duplicate hadm_id': 0, 'no matching patient': 0, 'discharge missing or not after admission': 0,
                                 'no diagnosis': 0, 'no medication after removing non-treatments': 25}
    raw = load_hosp(demo_dir)
    rx = raw['prescriptions']
    no_rx = set(raw['admissions'].hadm_id) - set(rx[rx.drug_type != 'BASE'].hadm_id)
    assert no_rx <= set(raw['admissions'].hadm_id) - set(adm.hadm_id)
    assert adm.subject_id.nunique() == 100
    assert 'furosemide' in set(adm.medications.explode())
    assert 'sodium chloride 0.9% flush' not in set(adm.medications.explode())

def test_same_code_path_for_files_and_frames(tmp_path):
    "The simulated cohort written as MIMIC csv.gz and read back gives the same admission table."
    sim = simulate_cohort(150, seed=3)
    write_hosp(sim, tmp_path/'sim')
    a, ra = preprocess(sim)
    b, rb = preprocess(load_hosp(tmp_path/'sim'))
    pd.testing.assert_frame_equal(a, b)
    assert ra['exclusions'] == rb['exclusions']

def test_mimic_31_style_columns(tmp_path, demo_dir):
    "Extra columns are ignored and the optional `language` column may be missing (MIMIC-IV 3.x)."
    t = load_hosp(demo_dir)
    t['admissions'] = t['admissions'].drop(columns='language').assign(admit_provider_id='P1', new_col=1)
    write_hosp(t, tmp_path/'v31')
    again = load_hosp(tmp_path/'v31')
    assert again['admissions'].language.isna().all() and len(again['admissions']) == 275

@pytest.mark.parametrize('breakage, message', [
    ('missing_file', 'procedures_icd.csv.gz'),
    ('missing_column', "missing column(s) ['drug']"),
    ('corrupt_gzip', 'patients.csv.gz: cannot be read'),
    ('truncated_gzip', 'diagnoses_icd.csv.gz'),
    ('empty_table', 'empty'),
    ('bad_type', "'hadm_id'"),
])
def test_bad_input_is_a_clear_error_and_writes_nothing(tmp_path, demo_dir, breakage, message):
    src = tmp_path/'mimic'/'hosp'
    shutil.copytree(demo_dir/'hosp', src)
    for p in src.iterdir(): p.chmod(0o644)
    if breakage == 'missing_file': (src/'procedures_icd.csv.gz').unlink()
    elif breakage == 'missing_column':
        df = pd.read_csv(src/'prescriptions.csv.gz').drop(columns='drug'); (src/'prescriptions.csv.gz').unlink(); df.to_csv(src/'prescriptions.csv', index=False)
    elif breakage == 'corrupt_gzip': (src/'patients.csv.gz').write_bytes(b'PK\x03\x04 this is a zip, not gzip')
    elif breakage == 'truncated_gzip': p = src/'diagnoses_icd.csv.gz'; p.write_bytes(p.read_bytes()[:len(p.read_bytes())//2])
    elif breakage == 'empty_table':
        with gzip.open(src/'admissions.csv.gz', 'wt') as f: f.write(gzip.open(demo_dir/'hosp'/'admissions.csv.gz', 'rt').readline())
    elif breakage == 'bad_type':
        df = pd.read_csv(src/'admissions.csv.gz', dtype=str); df.loc[3, 'hadm_id'] = 'twenty'
        (src/'admissions.csv.gz').unlink(); df.to_csv(src/'admissions.csv', index=False)
    cfg = get_config('smoke', data=str(tmp_path/'mimic'), root=tmp_path/'proj')
    with pytest.raises(HospDataError, match=message.replace('(', r'\(').replace(')', r'\)').replace('[', r'\[').replace(']', r'\]')):
        run_preprocess(cfg)
    assert not cfg.stage_dir('01_preprocess').exists() or not any(cfg.stage_dir('01_preprocess').iterdir())

def test_missing_table_in_frames():
    sim = simulate_cohort(50)
    del sim['prescriptions']
    with pytest.raises(HospDataError, match='prescriptions'): preprocess(sim)
