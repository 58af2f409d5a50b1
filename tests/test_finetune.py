"Stage 05: adapters only where named, the same prompt for the same record in every variant, fine-tuning a user's own table outside the pipeline, clear errors."
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
import torch
from ppgenai.core import get_config, read_json
from ppgenai.stages.s01_preprocess import run_preprocess
from ppgenai.mimic.preprocess import instruction_records
from ppgenai.llm.model import SMOLLM2, BaseModelError, resolve_base_model, load_base_model, generate, score_responses
from ppgenai.llm.lora import attach_lora, load_adapter
from ppgenai.stages.s05_finetune import VARIANTS, released_table, conversations, finetune_split, finetune_variant, run_finetune
from conftest import ROOT

@pytest.fixture(scope='module')
def base_dir():
    "The exported SmolLM2 folder in the project's model cache (exported once, ~20 s, then reused)."
    return resolve_base_model(SMOLLM2, ROOT/'artifacts'/'models')

@pytest.fixture(scope='module')
def admissions(tmp_path_factory):
    cfg = get_config('smoke', root=tmp_path_factory.mktemp('ft'), n_patients=60)
    run_preprocess(cfg)
    return cfg, pd.read_parquet(cfg.stage_dir('01_preprocess')/'admissions.parquet')

def test_adapters_on_every_named_module_and_nothing_else(base_dir):
    model, _ = load_base_model(base_dir, 'fp32', 'cpu')
    n = model.config.num_hidden_layers
    lm = attach_lora(model, rank=2, targets=('k_proj', 'down_proj'))
    adapted = {name.removesuffix('.lora_A') for name, _ in lm.named_modules() if name.endswith('.lora_A')}
    assert adapted == {f'base_model.model.model.layers.{i}.{part}' for i in range(n) for part in ('self_attn.k_proj', 'mlp.down_proj')}
    grads = {name for name, p in lm.named_parameters() if p.requires_grad}
    assert grads and all('.lora_A.' in g or '.lora_B.' in g for g in grads)
    assert not any(p.requires_grad for name, p in lm.named_parameters() if 'lora_' not in name)

def test_same_record_same_prompt_in_every_variant(admissions, tmp_path):
    "One real record written as every stage writes its release renders to one and the same conversation."
    src_cfg, adm = admissions
    row = adm[adm.split == 'train'].head(1)
    cfg = get_config('smoke', root=tmp_path)
    for v, (stage, name) in VARIANTS.items():
        path = cfg.stage_dir(stage)/name
        path.parent.mkdir(parents=True, exist_ok=True)
        row.to_parquet(path, index=False)
    convs = {v: conversations(released_table(cfg, v)) for v in VARIANTS}
    assert all(c == convs['raw'] for c in convs.values()) and len(convs['raw']) == 1
    assert convs['raw'][0] == instruction_records(row)[0]['messages']

def test_finetune_a_users_own_table_outside_the_pipeline(admissions, base_dir, tmp_path):
    "A plain DataFrame in, an adapter out: no stage folders, no pipeline."
    cfg0, adm = admissions
    train, val = finetune_split(adm, n_train=8, n_val=4, seed=1)
    assert len(train) == 8 and len(val) == 4 and not set(train.subject_id) & set(val.subject_id)
    cfg = get_config('smoke', base_model=base_dir, root=tmp_path, ft_batch_size=4, ft_eval_every=1, ft_max_length=256,
                     lora_top_layers=2, lora_targets=('q_proj', 'v_proj'), ft_precision='fp32')
    model, _, log = finetune_variant(cfg, base_dir, train, val, progress=False)
    assert log['steps_done'] == 2 and len(log['evals']) == 3 and log['train']['examples'] == 8
    assert log['best_val_loss'] <= log['initial_val_loss']
    model.save_pretrained(tmp_path/'adapter')
    again = load_adapter(load_base_model(base_dir, 'fp32', 'cpu')[0], tmp_path/'adapter')
    tok = load_base_model(base_dir, 'fp32', 'cpu')[1]
    a, b = score_responses(model, tok, conversations(val)), score_responses(again, tok, conversations(val))
    assert np.allclose(a[0], b[0], rtol=1e-5) and (a[1] == b[1]).all()
    assert not list(tmp_path.glob('artifacts'))  # nothing written behind the user's back

def test_sampled_generation_follows_the_seed(base_dir):
    model, tok = load_base_model(base_dir, 'fp32', 'cpu')
    q = [[dict(role='user', content='Name three antibiotics.')]]
    runs = [generate(model, tok, q, max_new_tokens=12, temperature=1.0, seed=s) for s in (5, 5, 6)]
    assert runs[0] == runs[1] and runs[0] != runs[2]

def test_clear_errors(base_dir, tmp_path):
    with pytest.raises(ValueError, match="unknown profile 'gpu'"): get_config('gpu')
    with pytest.raises(BaseModelError, match="'/no/such/model' not found"): run_finetune(get_config('smoke', base_model='/no/such/model', root=tmp_path))
    with pytest.raises(FileNotFoundError, match='run stage 01_preprocess first'): run_finetune(get_config('smoke', base_model=base_dir, root=tmp_path))
    assert not (tmp_path/'artifacts'/'smoke'/'simulated'/'05_finetune').exists()  # nothing half written
    (tmp_path/'bad').mkdir()
    with pytest.raises(BaseModelError, match='no config.json'): resolve_base_model(str(tmp_path/'bad'), tmp_path)
    with pytest.raises(ValueError, match='ft_precision'): get_config('smoke', ft_precision='int8')

def test_make_gpu_check_runs_on_a_cpu(base_dir, tmp_path):
    "`make gpu-check` (what a lent GPU machine runs) takes the same code path on a CPU at tiny sizes, and the model config alone is enough."
    import json, subprocess, shutil
    (tmp_path/'model').mkdir()
    shutil.copy(Path(base_dir)/'config.json', tmp_path/'model'/'config.json')  # what `make gpu-bundle` carries: the architecture, no weights
    out = tmp_path/'c.json'
    r = subprocess.run(['make', '--no-print-directory', 'gpu-check', f"GPU_ARGS=--source {tmp_path/'model'} --steps 1 --warmup 0 --out {out}"],
                       cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    rep = json.loads(out.read_text())
    assert rep['tiny'] and rep['weights'] == 'random' and rep['device'] == 'cpu'
    assert all(v['ok'] and v['tokens_per_s'] > 0 for v in rep['modes'].values()), rep['modes']
    assert rep['modes']['lora']['tokens_per_step'] == rep['modes']['dpsgd']['tokens_per_step']
    assert 'DP-SGD time per step against LoRA' in r.stdout
