#!/usr/bin/env node
// Checks that the committed integer kernels (src/features/infer/worker/intkernels.wasm) are the
// build of their source (wasm/intkernels.c): rebuilds into a temporary file with
// scripts/build-wasm.sh and compares the bytes. Without clang it says so and passes, so
// `npm install` and the checks never need a native toolchain. The build is deterministic (same
// clang, same bytes); the clang that built the committed binary is recorded in wasm/README.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(root, 'src/features/infer/worker/intkernels.wasm');
const clang = process.env.CLANG ?? 'clang';

const probe = spawnSync(clang, ['--version'], { encoding: 'utf8' });
if (probe.error || probe.status !== 0) {
  console.log('clang not found: skipped the rebuild check of intkernels.wasm');
  process.exit(0);
}
const version = probe.stdout.split('\n')[0];
const dir = mkdtempSync(join(tmpdir(), 'intkernels-'));
try {
  const out = join(dir, 'intkernels.wasm');
  try {
    execFileSync('sh', [join(root, 'scripts/build-wasm.sh'), out], { stdio: 'pipe' });
  } catch (e) {
    const err = /** @type {{ stderr?: Buffer }} */ (e).stderr?.toString() ?? String(e);
    if (/unknown target|wasm32|wasm-ld|not found/i.test(err)) {
      console.log(`${version} cannot build wasm32 here (lld missing?): skipped the rebuild check`);
      process.exit(0);
    }
    console.error(err);
    process.exit(1);
  }
  const a = readFileSync(committed);
  const b = readFileSync(out);
  if (Buffer.compare(a, b) !== 0) {
    const pinned = readFileSync(join(root, 'wasm/README.md'), 'utf8').match(
      /built with: (.+)/,
    )?.[1];
    console.error(
      `intkernels.wasm does not match wasm/intkernels.c (${a.length} bytes committed, ${b.length} rebuilt with ${version}).`,
    );
    if (pinned && !version.includes(pinned.trim()))
      console.error(
        `The committed binary was built with ${pinned.trim()}: another clang may emit other bytes.`,
      );
    console.error('Run scripts/build-wasm.sh and commit the binary with its source.');
    process.exit(1);
  }
  console.log(`intkernels.wasm matches wasm/intkernels.c (${a.length} bytes, ${version})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
