#!/usr/bin/env node
// Checks that the committed integer kernels are the builds of their source (wasm/intkernels.c):
// src/features/infer/worker/intkernels.wasm (SIMD128, built with clang 14, `clang`) and
// intkernels-relaxed.wasm (relaxed SIMD, built with clang 19, `clang-19`). Each is rebuilt into a
// temporary file with scripts/build-wasm.sh and compared byte for byte. A build whose compiler is
// missing is skipped with a note, so `npm install` and the checks never need a native toolchain.
// The builds are deterministic (same clang, same bytes); the clangs that built the committed
// binaries are recorded in wasm/README.md. Where llvm-objdump is present, it also checks that
// neither binary has a scalar arithmetic shift (i32.shr_s, i64.shr_s): the kernels have none of
// their own, and clang 14 once lowered the requantization's vector shifts lane by lane that way
// (wasm/README.md), which cost 8% of a CNN's integer pass.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readme = readFileSync(join(root, 'wasm/README.md'), 'utf8');
const builds = [
  {
    kind: 'simd128',
    file: 'intkernels.wasm',
    clang: process.env.CLANG ?? 'clang',
    pinned: readme.match(/SIMD128 binary built with\*{0,2}: (.+)/)?.[1],
  },
  {
    kind: 'relaxed',
    file: 'intkernels-relaxed.wasm',
    clang: process.env.CLANG_RELAXED ?? 'clang-19',
    pinned: readme.match(/relaxed-SIMD binary built with\*{0,2}: (.+)/)?.[1],
  },
];

let failed = false;
const dir = mkdtempSync(join(tmpdir(), 'intkernels-'));
try {
  for (const b of builds) {
    const probe = spawnSync(b.clang, ['--version'], { encoding: 'utf8' });
    if (probe.error || probe.status !== 0) {
      console.log(`${b.clang} not found: skipped the rebuild check of ${b.file}`);
      continue;
    }
    const version = probe.stdout.split('\n')[0];
    const out = join(dir, b.file);
    try {
      execFileSync('sh', [join(root, 'scripts/build-wasm.sh'), b.kind, out], {
        stdio: 'pipe',
        env: { ...process.env, CLANG: builds[0].clang, CLANG_RELAXED: builds[1].clang },
      });
    } catch (e) {
      const err = /** @type {{ stderr?: Buffer }} */ (e).stderr?.toString() ?? String(e);
      if (/unknown target|wasm32|wasm-ld|not found/i.test(err)) {
        console.log(`${version} cannot build wasm32 here (lld missing?): skipped ${b.file}`);
        continue;
      }
      console.error(err);
      failed = true;
      continue;
    }
    const a = readFileSync(join(root, 'src/features/infer/worker', b.file));
    const c = readFileSync(out);
    if (Buffer.compare(a, c) !== 0) {
      console.error(
        `${b.file} does not match wasm/intkernels.c (${a.length} bytes committed, ${c.length} rebuilt with ${version}).`,
      );
      if (b.pinned && !version.includes(b.pinned.trim()))
        console.error(
          `The committed binary was built with ${b.pinned.trim()}: another clang may emit other bytes.`,
        );
      console.error('Run scripts/build-wasm.sh and commit the binaries with their source.');
      failed = true;
      continue;
    }
    console.log(`${b.file} matches wasm/intkernels.c (${a.length} bytes, ${version})`);
  }
  const objdump = ['llvm-objdump', 'llvm-objdump-19'].find(
    (t) => spawnSync(t, ['--version'], { encoding: 'utf8' }).status === 0,
  );
  if (!objdump) console.log('llvm-objdump not found: skipped the check for scalar shifts');
  else
    for (const b of builds) {
      const text = execFileSync(objdump, ['-d', join(root, 'src/features/infer/worker', b.file)], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      });
      const scalar = text.match(/\bi(32|64)\.shr_s\b/g)?.length ?? 0;
      if (scalar > 0) {
        console.error(
          `${b.file} has ${scalar} scalar arithmetic shifts (i32.shr_s / i64.shr_s): a vector shift lowered lane by lane? See wasm/README.md.`,
        );
        failed = true;
      } else console.log(`${b.file}: no scalar arithmetic shifts (${objdump})`);
    }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
