"""The anonymisation search, `ppgenai.privacy.anonymity.search_lattice`, three ways on the same hierarchies and requests: the greedy
Datafly-style path (what `anonymise_table` used before), the default (best first by information loss for up to 500 nodes, then
the greedy path), and best first with no limit (the least-loss node however many nodes it takes).

Prints, per table and request: the levels each finds, their information loss (Σ level/height, lower is better), the share
suppressed, the nodes evaluated and the wall time. `python tests/benchmarks/bench_lattice.py`"""
import time
import numpy as np
import pandas as pd
from ppgenai.privacy.anonymity import search_lattice
from ppgenai.privacy.anonymity import column_hierarchy, violations
from ppgenai.schema import TableSchema, example_table

def compare(name, df, qi, k, sensitive=(), l=None, t=None, max_suppression=0.05):
    kinds = TableSchema.infer(df[qi]).kinds
    hier = {c: column_hierarchy(df[c], kinds[c], k) for c in qi}
    height = {c: len(hier[c]) - 1 for c in qi}
    sens = df[list(sensitive)].reset_index(drop=True)
    calls = [0]
    def bad_at(lv):
        calls[0] += 1
        return violations(pd.DataFrame({c: hier[c][lv[c]].to_numpy() for c in qi}), qi, sens, k, l, t)
    loss = lambda node: sum(l/h for l, h in zip(node, height.values()) if h)
    req = f"k={k}" + (f", ℓ={l}" if l else '') + (f", t={t}" if t is not None else '')
    cells = []
    for budget in (1, 500, 10**9):  # 1: the greedy path at once; 500: the default; no limit: the least-loss node, however long
        calls[0] = 0
        t0 = time.perf_counter()
        node, bad, found, how = search_lattice(list(height.values()), lambda n: bad_at(dict(zip(qi, n))), max_suppression, max_nodes=budget)
        cells.append(f"{how['search'].split(' ')[0]} {list(map(int, node))}: loss {loss(node):.3f}, suppressed {bad.mean():.3f}, {calls[0]} nodes, {time.perf_counter() - t0:.2f} s")
    print(f"| {name} | {', '.join(qi)} | {req} | {int(np.prod([h + 1 for h in height.values()]))} | " + ' | '.join(cells) + ' |')

def main():
    import statsmodels.api as sm
    ex = example_table()
    fair = sm.datasets.fair.load_pandas().data.astype({'occupation': int, 'occupation_husb': int, 'children': float})
    print("| table | quasi-identifiers | request | lattice nodes | greedy path | default (best-first, 500 nodes) | best-first, no limit |\n|---|---|---|---|---|---|---|")
    compare('breast cancer 569', ex, ['mean radius', 'size_group', 'clinic'], 5, ['diagnosis'], l=2)
    compare('breast cancer 569', ex, ['mean radius', 'mean texture', 'size_group', 'clinic'], 5)
    compare('breast cancer 569', ex, ['mean radius', 'mean texture', 'mean area', 'clinic'], 10, ['diagnosis'], t=0.3)
    compare('fair 6 366', fair, ['age', 'yrs_married', 'children', 'religious', 'educ'], 5)
    compare('fair 6 366', fair, ['age', 'yrs_married', 'children', 'religious', 'educ', 'occupation'], 10, ['affairs'], l=2)
    compare('fair 6 366', fair, ['age', 'yrs_married', 'educ', 'occupation', 'occupation_husb', 'rate_marriage', 'religious'], 5)

if __name__ == '__main__': main()
