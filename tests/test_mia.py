"Stage 06: attack metrics on constructed cases, DCR and linkage on known tables, bootstrap coverage, the attacks on a user's own tables and scores."
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm
from ppgenai.core import get_config
from ppgenai.stages.s01_preprocess import run_preprocess
from ppgenai.attacks.metrics import auc, tpr_at_fpr, attack_metrics, roc_table
from ppgenai.attacks.llm import attack_scores, LLM_ATTACKS
from ppgenai.attacks.tables import table_view, DistanceEncoder, nearest, dcr_report, dcr_scores, domias_scores, linkage_attack

@pytest.fixture(scope='module')
def tables(tmp_path_factory):
    cfg = get_config('smoke', root=tmp_path_factory.mktemp('mia'), n_patients=200)
    run_preprocess(cfg)
    adm = pd.read_parquet(cfg.stage_dir('01_preprocess')/'admissions.parquet')
    return adm[adm.split == 'train'].reset_index(drop=True), adm[adm.split == 'test'].reset_index(drop=True)

def test_memorised_scores_give_auc_one_and_blind_scores_half():
    rng = np.random.default_rng(1)
    perfect = attack_metrics(rng.normal(5, 0.1, 100), rng.normal(0, 1, 100), n_boot=200)
    assert perfect['auc'] == (1.0, 1.0, 1.0) and perfect['tpr@0.01'][0] == 1.0
    blind = attack_metrics(rng.normal(0, 1, 3000), rng.normal(0, 1, 3000), n_boot=200)
    assert blind['auc'][1] < 0.5 < blind['auc'][2] and abs(blind['auc'][0] - 0.5) < 0.03
    assert tpr_at_fpr(rng.normal(0, 1, 3000), rng.normal(0, 1, 3000), 0.01) < 0.02

def test_bootstrap_interval_covers_the_true_auc():
    rng, d = np.random.default_rng(2), 1.0
    truth = norm.cdf(d/np.sqrt(2))
    cover = np.mean([(lambda r: r[1] <= truth <= r[2])(attack_metrics(rng.normal(d, 1, 150), rng.normal(0, 1, 150), fprs=(), n_boot=300, seed=i)['auc'])
                     for i in range(100)])
    assert 0.88 <= cover <= 1.0, cover

def test_roc_table_ends_and_area():
    rng = np.random.default_rng(3)
    m, n = rng.normal(1, 1, 400), rng.normal(0, 1, 400)
    r = roc_table(m, n)
    assert (r.fpr.iloc[0], r.fpr.iloc[-1], r.tpr.iloc[-1]) == (0.0, 1.0, 1.0)
    assert abs(np.trapezoid(r.tpr, r.fpr) - auc(m, n)) < 0.01

def test_dcr_of_identical_tables_is_zero(tables):
    train, test = tables
    enc = DistanceEncoder().fit(table_view(train))
    x, h = enc.transform(table_view(train)), enc.transform(table_view(test))
    rep = dcr_report(x, x, h)
    assert rep['dcr_median'] == 0 and rep['exact_copies'] == 1 and max(rep['dcr_quantiles']) == 0
    assert rep['holdout_dcr_median'] > 0
    assert (dcr_scores(x, x) == 0).all()

def test_faiss_agrees_with_brute_force():
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(300, 12)), rng.normal(size=(50, 12))
    d, i = nearest(a, b, 2)
    full = np.sqrt(((b[:, None] - a[None])**2).sum(-1))
    assert (i[:, 0] == full.argmin(1)).all()
    assert np.allclose(d[:, 0], full.min(1), atol=1e-4)

def test_attacks_on_a_users_own_table(tables):
    "The table attacks need only DataFrames with the documented columns: a user's release against their real records."
    train, test = tables
    enc = DistanceEncoder().fit(table_view(train))
    members, others = train.head(40), test.head(40)
    leaked = pd.concat([members, train.iloc[100:200]], ignore_index=True)  # a "release" that copies the members
    xr, xm, xo = enc.transform(table_view(leaked)), enc.transform(table_view(members)), enc.transform(table_view(others))
    s = dcr_scores(xr, np.r_[xm, xo])
    assert auc(s[:40], s[40:]) == 1.0
    link = linkage_attack(members, leaked, np.arange(40))
    assert link['success'] > 0.9 and link['random_guess'] == 1/len(leaked)
    s = domias_scores(xr, enc.transform(table_view(test.iloc[40:])), np.r_[xm, xo])
    assert s.shape == (80,) and np.isfinite(s).all()

def test_llm_attack_scores_from_token_statistics():
    rng = np.random.default_rng(5)
    member = [np.column_stack([rng.uniform(-0.2, 0, 30), np.full(30, -1.0), np.full(30, 0.5)]) for _ in range(20)]
    other = [np.column_stack([rng.uniform(-4, 0, 30), np.full(30, -1.0), np.full(30, 0.5)]) for _ in range(20)]
    base = [np.column_stack([rng.uniform(-4, 0, 30), np.full(30, -1.0), np.full(30, 0.5)]) for _ in range(40)]
    sc = attack_scores(member + other, ['aspirin, heparin'] * 40, base=base, reference=base, population=range(30, 40))  # RMIA's z: ten non-members
    assert list(sc.columns) == list(LLM_ATTACKS)
    for a in LLM_ATTACKS: assert auc(sc[a][:20], sc[a][20:]) > 0.95, a
    with pytest.raises(ValueError, match='token counts differ'): attack_scores(member, ['x']*20, base=[s[:5] for s in member])

def test_patient_bootstrap_covers_clustered_records_and_the_admission_bootstrap_does_not():
    "Five admissions per patient that share their patient's level: resampling patients keeps 95 % coverage, resampling admissions loses it."
    rng, d, reps, patients, per = np.random.default_rng(7), 0.8, 150, 40, 5
    g = np.repeat(np.arange(patients), per)
    side = lambda shift: rng.normal(shift, 1, patients)[g] + rng.normal(0, 0.3, len(g))
    truth = norm.cdf(d/np.sqrt(2*(1 + 0.3**2)))
    studies = [(side(d), side(0)) for _ in range(reps)]
    cover = lambda **kw: np.mean([(lambda r: r[1] <= truth <= r[2])(attack_metrics(a, b, fprs=(), n_boot=300, seed=i, **kw)['auc']) for i, (a, b) in enumerate(studies)])
    by_patient, by_admission = cover(member_groups=g, nonmember_groups=g), cover()
    assert 0.88 <= by_patient <= 1.0, by_patient
    assert by_admission < 0.8, by_admission

def test_paired_difference_of_one_model_with_itself_is_zero_and_of_a_stronger_one_positive():
    from ppgenai.attacks.metrics import attack_difference
    rng = np.random.default_rng(8)
    hard_m, hard_n = rng.normal(0, 1, 200), rng.normal(0, 1, 200)
    strong = (hard_m + 0.4 + rng.normal(0, 0.1, 200), hard_n + rng.normal(0, 0.1, 200))
    weak = (hard_m + 0.1 + rng.normal(0, 0.1, 200), hard_n + rng.normal(0, 0.1, 200))
    assert attack_difference(*weak, *weak)['auc'] == (0.0, 0.0, 0.0)
    d = attack_difference(*strong, *weak, member_groups=np.arange(200)//2, nonmember_groups=np.arange(200)//2)['auc']
    assert 0 < d[1] < d[0] < d[2]
