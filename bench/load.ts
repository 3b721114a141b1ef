import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * How busy the machine was while a benchmark ran: the 1-minute load average and the CPU time of
 * processes that are not this benchmark's (this process and its children, Chromium and vite
 * preview, are ours), sampled from /proc every second. On a shared 2-core machine a figure
 * measured while others kept a core busy can be twice what a quiet run gives: every section
 * prints this line so the reader can tell.
 */

type Proc = { ppid: number; ticks: number; comm: string };

function readProcs(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  try {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const s = readFileSync(`/proc/${d}/stat`, 'utf8');
        const close = s.lastIndexOf(')');
        const f = s.slice(close + 2).split(' ');
        procs.set(Number(d), {
          ppid: Number(f[1]),
          ticks: Number(f[11]) + Number(f[12]),
          comm: s.slice(s.indexOf('(') + 1, close),
        });
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    // no /proc: not Linux
  }
  return procs;
}

export class MachineLoad {
  private prev = readProcs();
  private ticks = 0;
  private byName = new Map<string, number>();
  private since = performance.now();
  private readonly timer = setInterval(() => this.sample(), 1000);

  private sample(): void {
    const now = readProcs();
    const ours = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
        if (p === process.pid) return true;
        p = now.get(p)?.ppid ?? this.prev.get(p)?.ppid ?? 0;
      }
      return false;
    };
    for (const [pid, p] of now) {
      if (ours(pid)) continue;
      const d = p.ticks - (this.prev.get(pid)?.ticks ?? 0);
      if (d <= 0) continue;
      this.ticks += d;
      this.byName.set(p.comm, (this.byName.get(p.comm) ?? 0) + d);
    }
    this.prev = now;
  }

  /** One line: load since the last call (cores other processes kept busy, the busiest ones). */
  line(): string {
    this.sample();
    const secs = (performance.now() - this.since) / 1000;
    const rate = (t: number) => t / 100 / secs; // USER_HZ = 100
    const top = [...this.byName]
      .sort((x, y) => y[1] - x[1])
      .slice(0, 3)
      .filter(([, t]) => rate(t) >= 0.05)
      .map(([n, t]) => `${n} ${rate(t).toFixed(2)}`)
      .join(', ');
    const cores = secs > 0 ? rate(this.ticks) : 0;
    this.ticks = 0;
    this.byName.clear();
    this.since = performance.now();
    const high = cores >= 0.5 ? '  ← HIGH: other processes competed for the cores' : '';
    return (
      `load: 1-min loadavg ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} cores; other ` +
      `processes kept ${cores.toFixed(2)} cores busy${top ? ` (${top})` : ''}${high}`
    );
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
