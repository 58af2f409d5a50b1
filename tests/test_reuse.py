"""Reuse (issue 9): the README's "Use one stage on your own data" examples run as written, and the package works from an
installed wheel — every public entry imports, and the `ppgenai` command runs each tabular stage on a table that is not MIMIC."""
import importlib, os, pkgutil, re, subprocess, sys, textwrap
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def readme_blocks(section:str='## Use one stage on your own data') -> list:
    "(language, code) of every fenced block in `section` of the README."
    text = (ROOT/'README.md').read_text()
    body = text[text.index(section):]
    body = body[:body.find('\n## ', 1)] if '\n## ' in body[1:] else body
    return re.findall(r'```(\w+)\n(.*?)```', body, flags=re.S)

def _env(extra_path:Path=BIN) -> dict:
    env = dict(os.environ, PATH=f"{extra_path}{os.pathsep}{os.environ.get('PATH', '')}", PYTHONHASHSEED='0')
    env.pop('PYTHONPATH', None)
    return env

def test_readme_examples_run(tmp_path):
    blocks = readme_blocks()
    assert [lang for lang, _ in blocks] == ['python', 'bash'], blocks
    py, sh = (code for _, code in blocks)
    r = subprocess.run([sys.executable, '-c', py], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    assert 'spent ε 1.0 of 3.0' in r.stdout and 'membership AUC' in r.stdout
    script = 'set -euo pipefail\n' + sh
    r = subprocess.run(['bash', '-c', script], cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    for f in ('released.csv', 'ledger.json', 'anonymised.csv', 'anonymised.json', 'synthetic.csv', 'report.json', 'mia.json', 'secret/hash.key'):
        assert (tmp_path/f).is_file(), f

def _public_modules() -> list:
    import ppgenai
    return sorted(m.name for m in pkgutil.walk_packages(ppgenai.__path__, 'ppgenai.') if not m.name.endswith('_modidx'))

CHECK_IMPORTS = textwrap.dedent('''
    import importlib, sys, ppgenai
    assert ppgenai.__file__.startswith(sys.prefix), ppgenai.__file__  # the installed copy, not the source tree
    names = 0
    for mod in sys.argv[1:]:
        m = importlib.import_module(mod)
        for name in getattr(m, '__all__', []):
            getattr(m, name); names += 1
    print(f'{len(sys.argv) - 1} modules, {names} public names')
''')

def test_wheel_installs_and_runs_outside_the_tree(tmp_path):
    wheels = tmp_path/'wheels'
    r = subprocess.run([sys.executable, '-m', 'pip', 'wheel', str(ROOT), '--no-deps', '--no-build-isolation', '-w', str(wheels), '--quiet'],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    wheel, = wheels.glob('ppgenai-*.whl')
    venv = tmp_path/'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True, timeout=300)
    py = venv/'bin'/'python'
    r = subprocess.run([sys.executable, '-m', 'pip', '--python', str(py), 'install', '--no-deps', '--no-index', '--quiet', str(wheel)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    site = subprocess.run([str(py), '-c', 'import site; print(site.getsitepackages()[0])'], capture_output=True, text=True, check=True).stdout.strip()
    ours = [p for p in sys.path if p.endswith('site-packages') and Path(p).is_dir()]
    (Path(site)/'_project_deps.pth').write_text('\n'.join(ours) + '\n')  # reuse the project's dependencies; their .pth files (our editable install) are not run
    work = tmp_path/'elsewhere'; work.mkdir()
    env = _env(venv/'bin')
    r = subprocess.run([str(py), '-c', CHECK_IMPORTS, *_public_modules()], cwd=work, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    print(r.stdout)
    make = "from ppgenai.schema import example_table; d = example_table(300, seed=2); d.iloc[:200].to_csv('train.csv', index=False); d.iloc[200:].to_parquet('holdout.parquet', index=False)"
    subprocess.run([str(py), '-c', make], cwd=work, env=env, check=True, timeout=300)
    ppg = str(venv/'bin'/'ppgenai')
    steps = [[ppg, 'dp', 'train.csv', '-o', 'dp.parquet', '--bounds', 'mean radius=5:30', '--bounds', 'biopsies=0:10', '--epsilon', '1', '--ledger', 'ledger.json'],
             [ppg, 'anonymize', 'train.csv', '-o', 'anon.csv', '--qi', 'mean radius', 'size_group', '--sensitive', 'diagnosis', '--k', '4', '--report', 'anon.json'],
             [ppg, 'synth', 'train.csv', '-o', 'bn.csv', '--method', 'bayesnet', '--rows', '150'],
             [ppg, 'synth', 'train.csv', '-o', 'diff.parquet', '--method', 'diffusion', '--rows', '60', '--train-steps', '40', '--quiet'],
             [ppg, 'evaluate', '--train', 'train.csv', '--holdout', 'holdout.parquet', '--synthetic', 'bn.csv', '--target', 'diagnosis', '-o', 'eval.json']]
    for argv in steps:
        r = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, (argv[1], r.stderr[-3000:])
        assert r.stdout.count('\n') == 1, r.stdout  # one line on success
    for f in ('dp.parquet', 'ledger.json', 'anon.csv', 'anon.json', 'bn.csv', 'diff.parquet', 'eval.json'): assert (work/f).is_file(), f
    r = subprocess.run([ppg, 'synth', 'train.csv', '-o', 'bad.csv', '--rows', '10', '--kind', 'nosuch=numeric'], cwd=work, env=env, capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.strip().count('\n') == 0 and "['nosuch']" in r.stderr and not (work/'bad.csv').exists()
