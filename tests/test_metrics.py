"Stage 07: the utility metrics on hand-checked cases, the blinded packet, strict import of rating files, the proxy rubric and growth exponents, on tables of a user's own."
import re
import numpy as np
import pandas as pd
import pytest
from ppgenai.evaluation.text import perplexity, parse_medications, medication_prf, recommendation_scores, summarise_scores
from ppgenai.evaluation.human import (rating_packet, write_packet, read_ratings, summarise_ratings, rater_agreement, proxy_ratings, DrugKnowledge,
                                      RatingsError, CRITERIA, RATING_COLUMNS, PROXY_RATER, PROXY_CHECKS)
from ppgenai.evaluation.scaling import growth_exponent, scaling_summary

def test_hand_checked_text_metrics():
    sc = recommendation_scores(['Medications: Metformin 500 mg PO, lisinopril.', 'nothing useful'],
                               ['Medications: metformin, insulin.', 'Medications: metformin, insulin.'])
    m = sc.iloc[0]
    assert (m.med_precision, m.med_recall, m.med_f1) == (0.5, 0.5, 0.5)
    assert sc.iloc[1][['med_precision', 'med_recall', 'med_f1', 'rouge2']].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert 0 < m.rouge1 < 1
    s = summarise_scores(sc).set_index('metric')
    assert s.loc['med_f1', 'value'] == 0.25 and s.loc['med_f1', 'n'] == 2

def test_perplexity_of_a_uniform_model_is_the_vocabulary_size():
    v = 50
    stats = [np.full((n, 1), -np.log(v)) for n in (1, 7, 30)]
    assert perplexity(stats)[0] == pytest.approx(v)

def test_parse_keeps_order_and_repeats():
    assert parse_medications('Medications: B, a, b and C.') == ['b', 'a', 'b', 'c']
    assert medication_prf('Medications: b, b.', ['b', 'c']) == dict(precision=1.0, recall=0.5, f1=2/3)

def test_packet_never_reveals_the_model(tmp_path):
    models = ['modelA', 'modelB', 'modelC', 'modelD']
    cases = pd.DataFrame(dict(case_id=[f'c{i}' for i in range(25)], summary=[f'summary {i}' for i in range(25)]))
    answers = pd.DataFrame([dict(case_id=c, model=m, answer=f'Medications: x{i}.') for c in cases.case_id for i, m in enumerate(models)])
    items, key = rating_packet(cases, answers, seed=3)
    paths = write_packet(items, key, tmp_path/'raters', tmp_path/'secret'/'key.csv')
    shown = paths['html'].read_text() + paths['template'].read_text()
    assert not any(m in shown for m in models)
    assert list(pd.read_csv(paths['template']).columns) == list(RATING_COLUMNS)
    first = key.groupby('case_id', sort=False).model.first()  # the model shown first is not always the same
    assert first.nunique() > 1
    by_code = key.sort_values('item_id').groupby('case_id').model.agg(tuple)  # models in the order of their codes, per case
    assert by_code.nunique() > 1  # codes carry no model order either

def test_malformed_rating_files_fail_clearly_and_leave_nothing(tmp_path):
    cases = pd.DataFrame(dict(case_id=[1, 2], summary=['a', 'b']))
    answers = pd.DataFrame([dict(case_id=c, model=m, answer='Medications: x.') for c in (1, 2) for m in ('p', 'q')])
    items, key = rating_packet(cases, answers)
    good = items[['case_id', 'item_id']].assign(rater='r1', **{c: 3 for c in CRITERIA}, comment='')
    good.to_csv(tmp_path/'r1.csv', index=False)
    ok = read_ratings([tmp_path/'r1.csv'], key)
    assert len(ok) == 4*len(CRITERIA) and set(ok.model) == {'p', 'q'}
    good.assign(safety=0).to_csv(tmp_path/'zero.csv', index=False)
    with pytest.raises(RatingsError, match=r"zero.csv: line 2, column 'safety': '0'"): read_ratings([tmp_path/'zero.csv'], key)
    good.drop(columns='fluency').to_csv(tmp_path/'nofluency.csv', index=False)
    with pytest.raises(RatingsError, match=r"nofluency.csv: column\(s\) \['fluency'\] missing"): read_ratings([tmp_path/'nofluency.csv'], key)
    good.assign(rater='r2', relevance='good').to_csv(tmp_path/'words.csv', index=False)
    with pytest.raises(RatingsError, match=r"column 'relevance': 'good'"): read_ratings([tmp_path/'r1.csv', tmp_path/'words.csv'], key)
    with pytest.raises(RatingsError, match=r"rates item .* again"): read_ratings([tmp_path/'r1.csv', tmp_path/'r1.csv'], key)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(RatingsError): read_ratings([tmp_path/'zero.csv'], key)
    assert sorted(p.name for p in tmp_path.iterdir()) == before

def test_two_raters_summary_and_agreement():
    rng = np.random.default_rng(0)
    truth = rng.integers(1, 6, 40)
    rows = [dict(rater=r, case_id=i//2, item_id=f'i{i}', model='m' if i % 2 else 'n', criterion=c, score=float(np.clip(t + (r == 'b')*rng.integers(-1, 2), 1, 5)))
            for r in ('a', 'b') for i, t in enumerate(truth) for c in CRITERIA]
    ratings = pd.DataFrame(rows)
    agree = rater_agreement(ratings)
    assert (agree.alpha > 0.6).all() and (agree.raters == 2).all()
    s = summarise_ratings(ratings)
    assert set(s.criterion) == {*CRITERIA, 'overall'} and ((s.low <= s.value) & (s.value <= s.high)).all()

def test_proxy_rubric_on_own_tables():
    adm = pd.DataFrame(dict(diagnosis_codes=[['ICD9:4280']]*30 + [['ICD9:486']]*30, medications=[['furosemide']]*30 + [['levofloxacin']]*30))
    kn = DrugKnowledge.learn(adm, min_support=3)
    cases = pd.DataFrame(dict(case_id=[7], diagnosis_codes=[['ICD9:4281']], medications=[['furosemide']]))
    answers = pd.DataFrame(dict(case_id=[7, 7], model=['right', 'wrong'], answer=['Medications: furosemide.', 'Medications: levofloxacin.']))
    pr = proxy_ratings(cases, answers, kn)
    assert set(pr.rater) == {PROXY_RATER}
    by = pr.pivot_table(index='model', columns='criterion', values='score')
    assert (by.loc['right'] == 1).all() and by.loc['wrong', 'diagnosis_cooccurrence'] == 0 and by.loc['wrong', 'recall'] == 0
    assert set(by.columns) == set(PROXY_CHECKS) and not set(by.columns) & set(CRITERIA)  # named for what they compute, not as rubric criteria

def test_growth_exponents():
    runs = pd.DataFrame(dict(stage='s', rows=[1e3, 1e4, 1e5], wall_s=[0.2, 2.0, 20.0], peak_over_start_mb=[10, 100, 1000], status='ok'))
    s = scaling_summary(runs).iloc[0]
    assert s.time_exponent == pytest.approx(1) and s.memory_exponent == pytest.approx(1) and s.time_r2 == pytest.approx(1)
    assert growth_exponent([1, 10], [1, 10**1.5])['exponent'] == pytest.approx(1.5)
    with pytest.raises(ValueError, match='positive'): growth_exponent([1, 2], [1, -1])
