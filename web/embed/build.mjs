// Builds the embed script into dist/web/embed.js with esbuild, prints its size, and fails above its budget.
import { build } from 'esbuild';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Hosts load it on their own pages, often before anything else: it stays a few KB. */
const BUDGET_GZIPPED = 5 * 1024;
const root = fileURLToPath(new URL('../..', import.meta.url));
const outfile = `${root}dist/web/embed.js`;

mkdirSync(`${root}dist/web`, { recursive: true });
await build({
  entryPoints: [`${root}web/embed/embed.ts`],
  outfile,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none',
  logLevel: 'warning',
});
const bytes = readFileSync(outfile);
const gzipped = gzipSync(bytes, { level: 9 }).length;
console.log(`dist/web/embed.js: ${bytes.length} bytes, ${gzipped} bytes gzipped (budget ${BUDGET_GZIPPED})`);
if (gzipped > BUDGET_GZIPPED) {
  console.error(`embed.js is over its budget of ${BUDGET_GZIPPED} bytes gzipped`);
  process.exit(1);
}
