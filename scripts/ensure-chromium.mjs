#!/usr/bin/env node
// Makes sure a Chromium that Playwright can drive exists. Playwright's own browser download
// cannot work here (no internet beyond the package registries), so we use Debian's package.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

console.log(`${path} is missing: installing Debian's chromium package…`);
const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = asRoot ? '' : 'sudo ';
try {
  execSync(`${sudo}apt-get update -q && ${sudo}apt-get install -y -q chromium`, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} catch {
  console.error('Could not install chromium. Install it by hand: apt-get install -y chromium');
  process.exit(1);
}
if (!existsSync(path)) {
  console.error(`chromium installed, but ${path} does not exist. Set CHROMIUM_PATH.`);
  process.exit(1);
}
