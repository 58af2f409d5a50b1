"The package's layout rules, checked on the source: imports name what the module defines, never a `_private` name of another module, and libraries never import a stage runner."
import ast, json
from conftest import ROOT

PKG = ROOT/'ppgenai'
LIBRARIES = ('mimic', 'privacy', 'synth', 'llm', 'attacks', 'evaluation')
STAGE_USERS = {'ppgenai.evaluation.scaling'}  # times the stages' own functions: the one library that imports them

def _module(path) -> str: return '.'.join(('ppgenai', *path.relative_to(PKG).with_suffix('').parts)).removesuffix('.__init__')

def _defined() -> dict:
    out = {}
    for p in PKG.rglob('*.py'):
        if p.name == '_modidx.py': continue
        names = set()
        for n in ast.parse(p.read_text()).body:
            if isinstance(n, (ast.FunctionDef, ast.ClassDef)): names.add(n.name)
            elif isinstance(n, (ast.Assign, ast.AnnAssign)):
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target]):
                    names |= {x.id for x in ast.walk(t) if isinstance(x, ast.Name)}
        out[_module(p)] = names
    return out

def _imports(code:str, module:str|None=None):
    "(imported module, name) of every `from ... import name` of ppgenai in `code`; relative imports resolved against `module`."
    for n in ast.walk(ast.parse(code)):
        if not isinstance(n, ast.ImportFrom): continue
        if n.level:
            base = module.split('.')[:-n.level] if module else []
            target = '.'.join(base + ([n.module] if n.module else []))
        else: target = n.module or ''
        if target == 'ppgenai' or target.startswith('ppgenai.'):
            for a in n.names: yield target, a.name

def _sources():
    for p in PKG.rglob('*.py'):
        if p.name != '_modidx.py': yield str(p.relative_to(ROOT)), p.read_text(), _module(p)
    for p in (ROOT/'nbs').glob('*.ipynb'):
        for i, c in enumerate(json.loads(p.read_text())['cells']):
            if c['cell_type'] != 'code': continue
            code = '\n'.join(l for l in ''.join(c['source']).split('\n') if not l.lstrip().startswith(('%', '!')))
            yield f'{p.name} cell {i}', code, None
    for p in (ROOT/'tests').rglob('*.py'): yield str(p.relative_to(ROOT)), p.read_text(), None

def test_imports_name_what_the_module_defines_and_nothing_private():
    defined, bad = _defined(), []
    for where, code, module in _sources():
        for target, name in _imports(code, module):
            if name == '*' or name == '__version__' or f'{target}.{name}' in defined: continue
            if name.startswith('_'): bad.append(f'{where}: imports the private {target}.{name}')
            elif name not in defined.get(target, ()): bad.append(f'{where}: {target}.{name} is not defined there')
    assert not bad, '\n'.join(bad)

def test_libraries_never_import_a_stage_runner():
    bad = [f'{where} imports {target}' for where, code, module in _sources() if module and module.split('.')[1:2] and module.split('.')[1] in LIBRARIES and module not in STAGE_USERS
           for target, _ in _imports(code, module) if target.startswith('ppgenai.stages')]
    assert not bad, '\n'.join(bad)

def test_every_stage_runner_is_named_after_its_notebook():
    runners = sorted(p.stem for p in (PKG/'stages').glob('s0*.py'))
    notebooks = sorted('s' + p.stem for p in (ROOT/'nbs').glob('0[1-8]_*.ipynb'))
    assert runners == notebooks and len(runners) == 8, (runners, notebooks)
