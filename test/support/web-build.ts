// vitest globalSetup: builds the web parts when their sources are newer than dist/web, then copies the build to a
// directory of this run, so that a test that rebuilds dist/ (`npm run build`) cannot pull it from under the browser.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext { webDir: string }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export default function setup(project: TestProject) {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const builds: [script: string, output: string, sources: string[]][] = [
    ['build:embed', 'dist/web/embed.js', ['web/embed']],
    ['build:web', 'dist/web/admin/index.html', ['web/widget', 'web/admin', 'web/shared', 'web/vite.config.ts', 'web/budget.mjs', 'package-lock.json']],
  ];
  for (const [script, output, sources] of builds) {
    if (!scripts[script]) continue;
    const built = existsSync(join(ROOT, output)) ? statSync(join(ROOT, output)).mtimeMs : 0;
    if (sources.some((s) => newest(join(ROOT, s)) > built)) {
      // vitest sets NODE_ENV=test, which would make vite build React's development bundle.
      const env = { ...process.env, NODE_ENV: 'production' };
      execFileSync('npm', ['run', '--silent', script], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
    }
  }
  const webDir = mkdtempSync(join(tmpdir(), 'sheethook-web-'));
  cpSync(join(ROOT, 'dist/web'), webDir, { recursive: true });
  project.provide('webDir', webDir);
  return () => rmSync(webDir, { recursive: true, force: true });
}

/** The newest modification time of a file or of anything in a folder (node_modules and dist left out). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let time = stat.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist') continue;
    time = Math.max(time, newest(join(path, name)));
  }
  return time;
}
