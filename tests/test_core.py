"The configuration object, atomic writes, caching and the stage timer."
import json
import numpy as np
import pytest
from ppgenai.core import *

def test_profiles_and_overrides(tmp_path):
    for p in PROFILES: assert get_config(p, root=tmp_path).profile == p
    assert get_config('demo').n_patients > get_config('smoke').n_patients
    with pytest.raises(ValueError, match="unknown profile 'tiny'"): get_config('tiny')
    with pytest.raises(ValueError, match='n_patiens'): get_config('smoke', n_patiens=3)
    with pytest.raises(ValueError, match='seed'): get_config('smoke', seed=-1)
    with pytest.raises(ValueError, match="'data'"): get_config('smoke', data='')

def test_paths_follow_profile_and_source(tmp_path):
    c = get_config('demo', data='demo', root=tmp_path)
    assert c.stage_dir('01_preprocess') == tmp_path/'artifacts'/'demo'/'demo'/'01_preprocess'
    assert c.figures_dir == tmp_path/'figures'
    assert get_config('smoke', root=tmp_path).figures_dir == tmp_path/'runs'/'smoke'/'figures'

def test_atomic_write_leaves_nothing_on_error(tmp_path):
    with pytest.raises(ZeroDivisionError):
        with atomic_write(tmp_path/'a.json') as f: f.write('{'); 1/0
    assert list(tmp_path.iterdir()) == []
    write_json({'x': np.float32(1.5)}, tmp_path/'a.json')
    assert read_json(tmp_path/'a.json') == {'x': 1.5}

def test_stage_timer_measures_this_stage(tmp_path):
    led = tmp_path/'l.json'
    with stage_timer('big', led) as r:
        a = np.ones(25_000_000); a[::1000] = 0; r['rows_out'] = 1
    del a
    with stage_timer('small', led): sum(range(1000))
    big, small = read_json(led)
    assert big['peak_over_start_mb'] > 150 and small['peak_over_start_mb'] < 50
    assert big['wall_s'] >= 0 and big['status'] == 'ok' and big['rows_out'] == 1

def test_seed_everything_seeds_torch():
    import torch
    seed_everything(7); a = torch.rand(3)
    seed_everything(7); assert torch.equal(a, torch.rand(3))

def test_a_stage_reruns_when_a_helper_two_imports_away_changes(tmp_path):
    "Stage 02 imports privacy.dp, which imports schema: editing schema re-runs stage 02, and not stage 01, which never imports it (stage 02 takes about a second)."
    import os, shutil, subprocess, sys
    from conftest import ROOT
    assert 'ppgenai.schema' not in module_imports('ppgenai.stages.s02_dp') and 'ppgenai.schema' in module_imports('ppgenai.privacy.dp')
    assert 'ppgenai.schema' in module_closure('ppgenai.stages.s02_dp') and 'ppgenai.schema' not in module_closure('ppgenai.stages.s01_preprocess')
    src = tmp_path/'src'
    shutil.copytree(ROOT/'ppgenai', src/'ppgenai', ignore=shutil.ignore_patterns('__pycache__'))
    script = ("import json, ppgenai\nfrom ppgenai.core import get_config\nfrom ppgenai.stages.s01_preprocess import run_preprocess\n"
              "from ppgenai.stages.s02_dp import run_dp\n"
              "cfg = get_config('smoke', n_patients=80)\n"
              "print(json.dumps(dict(file=ppgenai.__file__, preprocess=run_preprocess(cfg)['cached'], dp=run_dp(cfg)['cached'])))")
    def run():
        r = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, timeout=600, cwd=tmp_path,
                           env={**os.environ, 'PYTHONPATH': str(src), 'PPGENAI_ROOT': str(tmp_path/'root')})
        assert r.returncode == 0, r.stderr[-3000:]
        return json.loads(r.stdout.strip().splitlines()[-1])
    first = run()
    assert first['file'].startswith(str(src)) and first == dict(file=first['file'], preprocess=False, dp=False)
    assert run() == dict(file=first['file'], preprocess=True, dp=True)  # nothing changed: both cached
    schema = src/'ppgenai'/'schema.py'
    schema.write_text(schema.read_text() + '\n# an edit to a module two imports below stage 02\n')
    assert run() == dict(file=first['file'], preprocess=True, dp=False)
