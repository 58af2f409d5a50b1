"Shared fixtures: the project root and the open MIMIC-IV demo (skipped with a reason when absent); one hash key for the session."
import os, signal, subprocess, tempfile
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT.parent/'shared'/'data'/'mimic-iv-demo-2.2'

@pytest.fixture(scope='session')
def root(): return ROOT

@pytest.fixture(scope='session')
def demo_dir():
    if not (DEMO/'hosp').is_dir(): pytest.skip(f'the MIMIC-IV demo is not at {DEMO} (run `make data-demo` and point tests at it)')
    return DEMO

def pytest_configure(config):
    "One hash key for the session, unless one is configured: the notebooks' tests (run in subprocesses, which inherit it) then share stage 03's smoke release and the models trained on it, instead of each making a throwaway key and redoing stages 03-07 for it. The tests of key handling remove it themselves."
    from ppgenai.privacy.anonymity import generate_key, KEY_ENV, KEY_FILE_ENV
    if not (os.environ.get(KEY_ENV) or os.environ.get(KEY_FILE_ENV)):
        os.environ[KEY_FILE_ENV] = str(generate_key(Path(tempfile.mkdtemp(prefix='ppgenai-test-key-'))/'hash.key'))

def run_killing_group(cmd, cwd, timeout:float, env:dict|None=None) -> subprocess.CompletedProcess:
    "Run `cmd` (in `cwd`, with `env` or this environment) in a process group of its own; past `timeout` seconds kill the whole group (the worker processes a stage starts too, which would go on computing beside the next test) and fail."
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, env=env)
    try: out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        pytest.fail(f"{' '.join(map(str, cmd))} ran past {timeout} s and was killed with its worker processes\n{out[-4000:]}{err[-4000:]}")
    return subprocess.CompletedProcess(cmd, p.returncode, out, err)
