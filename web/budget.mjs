// Prints the gzipped size of the JavaScript the widget loads first, and fails the build above the budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 200 * 1024;
const dir = new URL('../dist/web/widget/', import.meta.url).pathname;
const html = readFileSync(join(dir, 'index.html'), 'utf8');

// What index.html makes the browser fetch at once: its module script and the chunks it preloads.
// Chunks loaded later through import() are not part of the first load.
const first = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/widget\/([^"]+\.js)"/g)].map((m) => m[1]);
if (first.length === 0) {
  console.error('budget: no script found in dist/web/widget/index.html');
  process.exit(1);
}
let total = 0;
for (const file of first) {
  const size = gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  total += size;
  console.log(`  ${file}  ${(size / 1024).toFixed(1)} KB gzipped`);
}
const verdict = total <= BUDGET_BYTES ? 'within' : 'OVER';
console.log(`widget first load: ${(total / 1024).toFixed(1)} KB of JavaScript gzipped, ${verdict} the budget of ${BUDGET_BYTES / 1024} KB`);
if (total > BUDGET_BYTES) process.exit(1);
