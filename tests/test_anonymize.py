"Stage 03: keyed hashing, k reached, marginals kept by swapping, no raw identifier or key in any output; measures agree with pycanon."
import hashlib, re, secrets, subprocess, sys
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
from ppgenai.core import get_config
from ppgenai.stages.s01_preprocess import run_preprocess
from ppgenai.mimic.hierarchies import QUASI_IDENTIFIERS
from ppgenai.stages.s03_anonymize import ANON_OUTPUTS, anonymise, run_anonymize
from ppgenai.privacy.anonymity import HashKeyError, anonymity_measures, key_id, load_key, pseudonymise, swap_values

@pytest.fixture(scope='module')
def demo_cfg(tmp_path_factory, demo_dir):
    cfg = get_config('smoke', data=str(demo_dir), root=tmp_path_factory.mktemp('anon'))
    run_preprocess(cfg)
    return cfg

@pytest.fixture(scope='module')
def train(demo_cfg):
    adm = pd.read_parquet(demo_cfg.stage_dir('01_preprocess')/'admissions.parquet')
    return adm[adm.split == 'train'].reset_index(drop=True)

def test_hashing_is_stable_and_unlinkable_without_the_key():
    k1, k2 = secrets.token_bytes(32), secrets.token_bytes(32)
    ids = np.arange(10_000_000, 10_002_000)
    t1 = pseudonymise(ids, k1, 'subject_id')
    assert (pseudonymise(ids[::-1], k1, 'subject_id') == t1[::-1]).all() and len(set(t1)) == len(ids)
    assert not set(t1) & set(pseudonymise(ids, k2, 'subject_id'))
    for h in (hashlib.sha256, hashlib.md5, hashlib.sha1):  # unkeyed dictionary attacks find nothing
        table = {h(str(i).encode()).hexdigest()[:24] for i in ids}
        assert not set(t1) & table

def test_key_handling(tmp_path, monkeypatch):
    monkeypatch.delenv('PPGENAI_HASH_KEY', raising=False); monkeypatch.delenv('PPGENAI_HASH_KEY_FILE', raising=False)
    with pytest.raises(HashKeyError, match='no hash key'): load_key()
    exe = Path(sys.executable).parent/'ppgenai'
    r = subprocess.run([str(exe), 'keygen', str(tmp_path/'k'/'hash.key')], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    key = (tmp_path/'k'/'hash.key').read_text().strip()
    assert key not in r.stdout + r.stderr  # the helper never prints the key
    assert (tmp_path/'k'/'hash.key').stat().st_mode & 0o777 == 0o600
    r = subprocess.run([str(exe), 'keygen', str(tmp_path/'k'/'hash.key')], capture_output=True, text=True)
    assert r.returncode != 0 and 'refusing to overwrite' in r.stderr
    monkeypatch.setenv('PPGENAI_HASH_KEY_FILE', str(tmp_path/'k'/'hash.key'))
    assert load_key().hex() == key

def test_target_k_is_reached(train):
    for k in (2, 5, 10):
        rel, rep = anonymise(train, secrets.token_bytes(32), k=k, max_suppression=0.1)
        assert anonymity_measures(rel, QUASI_IDENTIFIERS)['k'] >= k
        assert rep['after']['k'] >= k and rep['suppressed_share'] <= 0.1 and len(rel) == len(train) - rep['suppressed']

def test_swapping_keeps_marginals(train):
    rng = np.random.default_rng(0)
    for col, method in (('insurance', 'random'), ('prior_admissions', 'rank'), ('marital_status', 'random')):
        sw = swap_values(train, col, 0.5, strata=['gender'], method=method, rng=rng)
        assert (sw != train[col]).any()
        assert sw.value_counts().sort_index().equals(train[col].value_counts().sort_index())
        assert pd.crosstab(train.gender, sw).equals(pd.crosstab(train.gender, train[col]))

def test_measures_agree_with_pycanon(train):
    from pycanon import anonymity as pyc
    rel, _ = anonymise(train, secrets.token_bytes(32), k=3)
    qi = list(QUASI_IDENTIFIERS)
    for sa in (['discharge_location'], ['marital_status', 'insurance'], ['prior_admissions']):
        m = anonymity_measures(rel, qi, sa)
        assert m['k'] == pyc.k_anonymity(rel, qi)
        assert min(m['l_distinct'].values()) == pyc.l_diversity(rel, qi, sa)
        assert int(min(m['l_entropy'].values()) + 1e-9) == pyc.entropy_l_diversity(rel, qi, sa)
        assert max(m['t_closeness'].values()) == pytest.approx(pyc.t_closeness(rel, qi, sa), abs=1e-9)

def test_stage_on_the_demo_leaves_no_identifier_or_key(demo_cfg, train):
    key = secrets.token_bytes(32)
    rep = run_anonymize(demo_cfg, key)
    out = demo_cfg.stage_dir('03_anonymize')
    assert all((out/o).exists() for o in ANON_OUTPUTS)
    rel = pd.read_parquet(out/'released.parquet')
    assert rep['after']['k'] >= demo_cfg.k_anonymity and rep['key_id'] == key_id(key)
    raw = set(map(str, train.subject_id)) | set(map(str, train.hadm_id))
    cells = ' '.join(rel.astype(str).to_numpy().ravel())
    assert not set(re.findall(r'(?<![0-9A-Za-z])\d{8}(?![0-9A-Za-z])', cells)) & raw  # eight digits inside a pseudonym are chance
    blobs = [p.read_bytes() for p in demo_cfg.root.rglob('*') if p.is_file()]
    assert not any(key.hex().encode() in b or key in b for b in blobs)  # the key is in no file of the run

def test_no_key_no_release(demo_cfg, monkeypatch):
    monkeypatch.delenv('PPGENAI_HASH_KEY', raising=False); monkeypatch.delenv('PPGENAI_HASH_KEY_FILE', raising=False)
    cfg = get_config('smoke', data=demo_cfg.data, root=demo_cfg.root, k_anonymity=7)
    with pytest.raises(HashKeyError, match='no hash key'): run_anonymize(cfg)
