// The service runs on the Node releases package.json's engines names: every package installed for it says it runs on
// the oldest of them too (a dependency's new major often drops a Node release first, and npm only warns).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface Manifest { name: string; version: string; engines?: { node?: string } }
interface Installed extends Manifest { path: string }

/** Every package under a node_modules folder, nested ones too. */
function installed(dir: string, found: Installed[] = []): Installed[] {
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const at = join(dir, name);
    if (name.startsWith('@')) { installed(at, found); continue; }
    const manifest = join(at, 'package.json');
    if (existsSync(manifest)) found.push({ ...(JSON.parse(readFileSync(manifest, 'utf8')) as Manifest), path: at });
    if (existsSync(join(at, 'node_modules'))) installed(join(at, 'node_modules'), found);
  }
  return found;
}

it('installs only packages that run on the oldest Node release the service supports', () => {
  const ours = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
  const oldest = semver.minVersion(ours.engines!.node!)!.version;
  // The packages the service runs with: those in the lock file that are not only for development.
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  const runtime = new Set(Object.entries(lock.packages).filter(([path, p]) => path && !p.dev).map(([path]) => join(ROOT, path)));
  const refusing = installed(join(ROOT, 'node_modules'))
    .filter((m) => runtime.has(m.path))
    .filter((m) => m.engines?.node && !semver.satisfies(oldest, m.engines.node))
    .map((m) => `${m.name}@${m.version} (node ${m.engines!.node})`);
  expect(runtime.size).toBeGreaterThan(100);
  expect(refusing).toEqual([]);
});
