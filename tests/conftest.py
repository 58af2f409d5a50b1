"Shared fixtures: the project root and the open MIMIC-IV demo (skipped with a reason when absent)."
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
