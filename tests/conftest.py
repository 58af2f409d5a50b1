"Shared fixtures: the project root and the open MIMIC-IV demo (skipped with a reason when absent); one hash key for the session."
import os, tempfile
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
