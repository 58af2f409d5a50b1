"papermill runs a stage notebook with injected parameters, as `make reproduce` does."
import json, subprocess, sys
from pathlib import Path
from conftest import ROOT

def test_papermill_runs_preprocess_on_the_demo(tmp_path, demo_dir):
    out = tmp_path/'01_preprocess.ipynb'
    pm = Path(sys.executable).parent/'papermill'
    r = subprocess.run([str(pm), '--no-progress-bar', '-k', 'python3', '--cwd', str(ROOT/'nbs'), '-r', 'profile', 'smoke', '-r', 'data', str(demo_dir),
                        str(ROOT/'nbs'/'01_preprocess.ipynb'), str(out)], capture_output=True, text=True, timeout=600,
                       env={**__import__('os').environ, 'PPGENAI_ROOT': str(tmp_path)})
    assert r.returncode == 0, r.stderr[-3000:]
    cells = json.loads(out.read_text())['cells']
    injected = [c for c in cells if 'injected-parameters' in c['metadata'].get('tags', [])]
    assert injected and str(demo_dir) in ''.join(injected[0]['source'])
    assert read_report(tmp_path)['admissions_in'] == 275
    figs = list((tmp_path/'runs'/'smoke'/'figures').glob('cohort_summary_hosp-*.png'))
    assert figs and figs[0].with_suffix('.json').exists() and figs[0].with_suffix('.pdf').exists()
    prov = json.loads(figs[0].with_suffix('.json').read_text())
    assert prov['profile'] == 'smoke' and 'MIMIC-IV hosp files' in prov['data_source']

def read_report(root):
    [rep] = list((root/'artifacts'/'smoke').glob('*/01_preprocess/report.json'))
    return json.loads(rep.read_text())
