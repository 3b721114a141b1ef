import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Interface } from 'node:readline';

/**
 * PyTorch's single-thread float32 evaluation of the shipped models (scripts/torch-eval.py), when a
 * Python with torch is here: `python3` first, then Debian's /usr/bin/python3 (python3-torch), since
 * a python3 earlier on PATH (pyenv, a venv) may not see the Debian package.
 */
export interface TorchResult {
  readonly model: string;
  readonly count: number;
  readonly batch: number;
  /** The kernel set that was faster and is reported: 'aten' (system BLAS) or 'mkldnn' (oneDNN). */
  readonly kernels: string;
  readonly medianMs: number;
  readonly minMs: number;
  readonly correct: number;
  readonly all: Record<string, { medianMs: number; correct: number }>;
  readonly threads: number;
  readonly torch: string;
  readonly cpu: string;
  readonly blas: string;
  /** How glibc's malloc was told to treat freed memory (scripts/torch-eval.py). */
  readonly allocator?: string;
}

function torchPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(py, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
      return py;
    } catch {
      // not this one
    }
  }
  return null;
}

/**
 * scripts/torch-eval.py --serve: PyTorch kept running with the models loaded, so that its passes
 * can be timed interleaved with the browser's, each pair under the same load.
 */
export class TorchServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  private readonly lines: Interface;
  readonly python: string;

  private constructor(python: string) {
    this.python = python;
    this.child = spawn(python, ['scripts/torch-eval.py', '--serve'], {
      env: { ...process.env, OMP_NUM_THREADS: '1' },
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => {
      if (line.startsWith('{')) this.waiting.shift()?.(line);
    });
    const gone = (why: string) => {
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ error: why }));
    };
    this.child.on('exit', (code) => gone(`scripts/torch-eval.py exited (${code})`));
    this.child.on('error', (e) => gone(`scripts/torch-eval.py did not start (${e.message})`));
  }

  /** A server, or the reason there is none (no torch here). */
  static start(): TorchServer | string {
    const py = torchPython();
    return py
      ? new TorchServer(py)
      : 'skipped: no torch (python3 -c "import torch" fails; Debian: apt-get install python3-torch)';
  }

  /**
   * `runs` timed passes over `model`'s test set on `kernels` ('best': both sets, the faster
   * reported), after a warm-up pass of each unless `warm` is false.
   */
  run(
    model: string,
    runs: number,
    kernels: 'best' | 'aten' | 'mkldnn' = 'best',
    warm = true,
  ): Promise<TorchResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push((line) => {
        const r = JSON.parse(line) as TorchResult | { error: string };
        if ('error' in r) reject(new Error(r.error));
        else resolve(r);
      });
      this.child.stdin.write(`${JSON.stringify({ model, runs, kernels, warm })}\n`);
    });
  }

  close(): void {
    this.lines.close();
    this.child.stdin.end();
    this.child.kill();
  }
}
