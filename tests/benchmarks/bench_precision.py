"""Benchmark (not a test): which precision the language model should compute in on this machine.

One forward pass (no gradient) of the base model over `--batch` × `--tokens` random tokens, in each of fp32 and
bf16-mixed (fp32 weights, bfloat16 products under autocast), on `--threads` threads, after a short warm-up. It
prints the processor's flags that matter, what `ft_precision='auto'` resolves to here (`ppgenai.core.resolve_precision`)
and the seconds of each precision: bf16-mixed should win only where the processor has native bf16 (avx512_bf16 or
amx_bf16). Run it alone: another CPU-heavy job beside it spoils the numbers.

    python tests/benchmarks/bench_precision.py                       # 4 x 320 tokens, one thread
    python tests/benchmarks/bench_precision.py --threads 2 --repeats 3
"""
import argparse, time

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--profile', default='demo')
    ap.add_argument('--batch', type=int, default=4)
    ap.add_argument('--tokens', type=int, default=320)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--repeats', type=int, default=1)
    a = ap.parse_args(argv)
    import torch
    from ppgenai.core import get_config, cpu_flags, native_bf16, resolve_precision
    from ppgenai.llm.model import resolve_base_model, load_base_model, autocast
    torch.set_num_threads(a.threads)
    flags = sorted(cpu_flags())
    print(f"torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}; flags: "
          f"{' '.join(f for f in flags if f.startswith(('avx512f', 'avx512_bf16', 'amx', 'avx2'))) or '(none of avx2, avx512f, avx512_bf16, amx)'}")
    print(f"native bf16: {native_bf16()} -> ft_precision 'auto' runs as {resolve_precision('auto')!r}")
    cfg = get_config(a.profile)
    ref = resolve_base_model(cfg.base_model, cfg.root/'artifacts'/'models')
    ids = torch.randint(0, 40_000, (a.batch, a.tokens), generator=torch.Generator().manual_seed(0))
    times = {}
    for precision in ('fp32', 'bf16-mixed'):
        model, _ = load_base_model(ref, precision, 'cpu')
        with torch.no_grad(), autocast(model):
            model(input_ids=ids[:, :16])  # warm-up
            t = []
            for _ in range(a.repeats):
                t0 = time.perf_counter(); model(input_ids=ids); t.append(time.perf_counter() - t0)
        times[precision] = min(t)
        print(f"{precision:>10}: {times[precision]:6.2f} s for {a.batch} x {a.tokens} tokens on {a.threads} thread(s) "
              f"({a.batch*a.tokens/times[precision]:.0f} tokens/s)", flush=True)
        del model
    print(f"bf16-mixed / fp32 time: {times['bf16-mixed']/times['fp32']:.2f}")

if __name__ == '__main__': main()
