"Every notebook's own tests (its `test_eq`/`test_fail` cells) pass under nbdev_test."
import os, subprocess, sys, time
from pathlib import Path
import pytest
from conftest import ROOT, run_killing_group

NOTEBOOKS = sorted(p.name for p in (ROOT/'nbs').glob('[0-9]*.ipynb'))

def test_there_are_notebooks(): assert {'00_core.ipynb', '01_preprocess.ipynb'} <= set(NOTEBOOKS)

NOTEBOOK_TIMEOUT_S = 900

def test_timeout_kills_the_workers_too(tmp_path):
    "A command past its time is killed with the processes it started (a stage's workers), not only itself."
    pidfile = tmp_path/'child.pid'
    script = f"import subprocess, sys, time; c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); open({str(pidfile)!r}, 'w').write(str(c.pid)); time.sleep(60)"
    with pytest.raises(pytest.fail.Exception, match='killed with its worker processes'): run_killing_group([sys.executable, '-c', script], tmp_path, 3)
    child = int(pidfile.read_text())
    for _ in range(50):
        try: os.kill(child, 0)
        except ProcessLookupError: break
        time.sleep(0.1)
    else: pytest.fail(f'the child process {child} outlived the timeout')

@pytest.mark.parametrize('nb', NOTEBOOKS)
def test_notebook(nb):
    exe = Path(sys.executable).parent/'nbdev_test'
    r = run_killing_group([str(exe), '--path', nb, '--do_print'], ROOT/'nbs', NOTEBOOK_TIMEOUT_S)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]

def test_library_matches_notebooks(tmp_path):
    "Exporting the notebooks again reproduces ppgenai/ exactly (nobody hand-edited the library)."
    import shutil, filecmp
    shutil.copytree(ROOT/'nbs', tmp_path/'nbs'); shutil.copy(ROOT/'settings.ini', tmp_path)
    (tmp_path/'ppgenai').mkdir()
    shutil.copy(ROOT/'ppgenai'/'__init__.py', tmp_path/'ppgenai')
    exe = Path(sys.executable).parent/'nbdev_export'
    r = subprocess.run([str(exe)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    mine = sorted(p.relative_to(ROOT/'ppgenai') for p in (ROOT/'ppgenai').rglob('*.py'))
    fresh = sorted(p.relative_to(tmp_path/'ppgenai') for p in (tmp_path/'ppgenai').rglob('*.py'))
    assert mine == fresh
    diff = [str(p) for p in mine if not filecmp.cmp(ROOT/'ppgenai'/p, tmp_path/'ppgenai'/p, shallow=False)]
    assert not diff, f'ppgenai/ differs from the notebooks in {diff}: run nbdev_export'

STAGE_NOTEBOOKS = sorted(p.name for p in (ROOT/'nbs').glob('0[1-8]_*.ipynb'))  # what `make reproduce` runs

def test_papermill_tags_survive_nbdev_clean():
    "Each stage notebook keeps its `parameters` cell (settings.ini allows the `tags` metadata key)."
    import json
    assert len(STAGE_NOTEBOOKS) == 8
    for nb in STAGE_NOTEBOOKS:
        cells = json.loads((ROOT/'nbs'/nb).read_text())['cells']
        tagged = [c for c in cells if 'parameters' in c.get('metadata', {}).get('tags', [])]
        assert len(tagged) == 1, nb
        src = ''.join(tagged[0]['source'])
        assert 'profile =' in src and 'data =' in src, nb
