"Stage 02: the noise is right, the ledger holds, the empirical audit agrees with the claimed ε, and the stage writes a release and its ledger."
import numpy as np
import pandas as pd
import pytest
from scipy import stats
from ppgenai.core import get_config, read_json
from ppgenai.stages.s01_preprocess import run_preprocess
from ppgenai.stages.s02_dp import DP_NUMERIC, DP_CATEGORICAL, MIMIC_DOMAINS, DP_OUTPUTS, dp_release, run_dp
from ppgenai.privacy.dp import PrivacyBudgetError, PrivacyLedger, audit_epsilon, discrete_laplace, laplace_mechanism, randomised_response

@pytest.mark.parametrize('eps,bounds', [(0.5, (0, 10)), (1.0, (18, 100)), (4.0, (0, 30))])
def test_laplace_noise_is_laplace_of_scale_sensitivity_over_epsilon(eps, bounds):
    lo, hi = bounds
    mid = (lo + hi)/2
    out, info = laplace_mechanism(np.full(50_000, mid), lo, hi, eps, step=(hi - lo)/2**14, clamp_output=False)
    assert info['sensitivity'] == hi - lo and info['scale'] == (hi - lo)/eps  # from the bounds, never 1
    assert stats.kstest(out - mid, stats.laplace(scale=(hi - lo)/eps).cdf).pvalue > 1e-6
    # ... and not of any other scale: the test can fail
    assert stats.kstest(out - mid, stats.laplace(scale=0.8*(hi - lo)/eps).cdf).pvalue < 1e-6

@pytest.mark.parametrize('scale', [3.0, 0.5])
def test_discrete_laplace_matches_its_pmf(scale):
    x = discrete_laplace(400_000, scale)
    ks = np.arange(-6, 7)
    pmf = (1 - np.exp(-1/scale))/(1 + np.exp(-1/scale))*np.exp(-np.abs(ks)/scale)
    emp = np.array([(x == k).mean() for k in ks])
    assert np.allclose(emp, pmf, atol=4e-3)

def test_bounds_are_respected_and_bad_parameters_are_clear_errors():
    out, _ = laplace_mechanism(np.array([-50, 0, 40, 1e6]), 0, 30, 0.1, step=0.01)
    assert out.min() >= 0 and out.max() <= 30
    for bad in (0, -1, float('nan'), float('inf'), None):
        with pytest.raises(ValueError, match='epsilon'): laplace_mechanism([1.0], 0, 1, bad)
    with pytest.raises(ValueError, match='declared bounds'): laplace_mechanism([1.0], None, 1, 1.0)
    with pytest.raises(ValueError, match='lower < upper'): laplace_mechanism([1.0], 5, 1, 1.0)
    with pytest.raises(ValueError, match='epsilon'): randomised_response(['F'], ['F', 'M'], 0)

def test_ledger_refuses_overspending_and_records_nothing_then():
    led = PrivacyLedger(1.0)
    led.charge('laplace', 'age', 0.6)
    with pytest.raises(PrivacyBudgetError, match='over the budget'): led.charge('laplace', 'los_days', 0.5)
    assert led.spent == (0.6, 0.0) and len(led.entries) == 1
    led.charge('laplace', 'los_days', 0.4)  # exactly the budget is allowed
    assert abs(led.remaining) < 1e-12

def test_parallel_composition_within_a_group():
    led = PrivacyLedger(1.0)
    led.charge_all([dict(mechanism='laplace', attribute=f'cell {i}', epsilon=0.8, group='histogram') for i in range(10)])
    assert led.spent[0] == pytest.approx(0.8)

@pytest.mark.parametrize('eps', [0.25, 1.0, 3.0])
def test_empirical_audit_does_not_exceed_the_claimed_epsilon(eps):
    n = 200_000
    lo, hi = DP_NUMERIC['age']['lower'], DP_NUMERIC['age']['upper']
    a, _ = laplace_mechanism(np.full(n, lo), lo, hi, eps)
    b, _ = laplace_mechanism(np.full(n, hi), lo, hi, eps)
    est = audit_epsilon(a, b, alpha=1e-6)  # at α=0.05 the bound would exceed the true ε in 5% of runs
    assert est <= eps and est > 0.5*eps
    cats = MIMIC_DOMAINS['admission_type']
    a, _ = randomised_response([cats[0]]*n, cats, eps)
    b, _ = randomised_response([cats[1]]*n, cats, eps)
    est = audit_epsilon(a, b, alpha=1e-6)
    assert est <= eps and est > 0.5*eps

def test_the_audit_catches_a_mechanism_that_lies():
    n = 200_000
    a, _ = laplace_mechanism(np.full(n, 0), 0, 10, 3.0)  # spends ε=3 ...
    b, _ = laplace_mechanism(np.full(n, 10), 0, 10, 3.0)
    assert audit_epsilon(a, b, alpha=1e-6) > 1.0  # ... which an audit of a claimed ε=1 exposes

@pytest.fixture(scope='module')
def demo_cfg(tmp_path_factory, demo_dir):
    cfg = get_config('smoke', data=str(demo_dir), root=tmp_path_factory.mktemp('dp'))
    run_preprocess(cfg)
    return cfg

def test_release_on_the_real_demo(demo_cfg):
    rep = run_dp(demo_cfg)
    out = demo_cfg.stage_dir('02_dp')
    assert all((out/o).exists() for o in DP_OUTPUTS)
    adm = pd.read_parquet(demo_cfg.stage_dir('01_preprocess')/'admissions.parquet')
    rel = pd.read_parquet(out/'released.parquet')
    train = adm[adm.split == 'train']
    assert list(rel.columns) == list(adm.columns) and len(rel) == rep['records'] == rep['bounding']['rows_kept']
    assert set(rel.hadm_id) <= set(train.hadm_id)  # only the training split is released
    assert rel.groupby('subject_id').size().max() <= demo_cfg.dp_max_admissions  # at most that many admissions of a patient
    assert len(train) - len(rel) == rep['bounding']['rows_dropped'] == (train.groupby('subject_id').size() - demo_cfg.dp_max_admissions).clip(0).sum()
    led = read_json(out/'ledger.json')
    assert led['spent']['epsilon'] == pytest.approx(demo_cfg.dp_epsilon) and led['spent']['epsilon'] <= led['budget']['epsilon']
    assert {e['attribute'] for e in led['entries']} == {*DP_NUMERIC, *DP_CATEGORICAL}
    assert all(e['realised_epsilon'] <= e['epsilon'] for e in led['entries'] if 'realised_epsilon' in e)
    assert (led['unit'], led['neighbouring'], led['max_contributions']) == ('patient', 'replace', demo_cfg.dp_max_admissions)  # ε is the patient's
    assert all(e['per_record_epsilon'] == pytest.approx(e['epsilon']/demo_cfg.dp_max_admissions) for e in led['entries'])
    assert {'medications', 'subject_id', 'split', 'row order', 'number of rows', 'rows per subject_id'} <= set(led['unprotected'])
    assert sorted(rep['releases']) == sorted(f'eps_{e:g}' for e in demo_cfg.dp_sweep)
    assert rep['epsilon_if_all_published'] == pytest.approx(sum(demo_cfg.dp_sweep))

def test_sets_sample_protects_diagnoses(demo_cfg):
    adm = pd.read_parquet(demo_cfg.stage_dir('01_preprocess')/'admissions.parquet')
    rel, led = dp_release(adm, 2.0, sets='sample')
    assert (rel.diagnosis_codes.map(len) <= 1).all() and (rel.n_diagnoses == rel.diagnosis_codes.map(len)).all()
    assert 'diagnosis_codes' in {e['attribute'] for e in led.entries} and 'diagnosis_codes' not in led.unprotected

def test_overspending_stage_writes_nothing(demo_cfg):
    cfg = get_config('smoke', data=demo_cfg.data, root=demo_cfg.root, dp_budget=0.5, dp_sweep=(0.1, 1.0))
    import shutil; shutil.rmtree(cfg.stage_dir('02_dp'), ignore_errors=True)
    with pytest.raises(PrivacyBudgetError, match='refused'): run_dp(cfg)
    assert not cfg.stage_dir('02_dp').exists()
    assert not [p for p in cfg.artifacts_dir.iterdir() if p.name.startswith('.02_dp')]  # no temporary left over
