// Prints the gzipped size of the JavaScript each web app loads first, and fails the build when one is over its budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const KB = 1024;
const APPS = [
  { name: 'widget', budget: 200 * KB },
  { name: 'console', dir: 'admin', budget: 300 * KB },
];
const web = new URL('../dist/web/', import.meta.url).pathname;

let over = false;
for (const app of APPS) {
  const html = readFileSync(join(web, app.dir ?? app.name, 'index.html'), 'utf8');
  // What index.html makes the browser fetch at once: its module script and the chunks it preloads.
  // Chunks loaded later through import() are not part of the first load.
  const first = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/([^"]+\.js)"/g)].map((m) => m[1]);
  if (first.length === 0) {
    console.error(`budget: no script found in dist/web/${app.dir ?? app.name}/index.html`);
    process.exit(1);
  }
  let total = 0;
  for (const file of first) {
    const size = gzipSync(readFileSync(join(web, file)), { level: 9 }).length;
    total += size;
    console.log(`  ${file}  ${(size / KB).toFixed(1)} KB gzipped`);
  }
  const within = total <= app.budget;
  over ||= !within;
  console.log(`${app.name} first load: ${(total / KB).toFixed(1)} KB of JavaScript gzipped, ${within ? 'within' : 'OVER'} the budget of ${app.budget / KB} KB`);
}
if (over) process.exit(1);
