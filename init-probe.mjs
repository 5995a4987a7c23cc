import { PGlite } from '@electric-sql/pglite';
import { readFileSync } from 'node:fs';
const st = () => { const s = readFileSync('/proc/self/status','utf8'); return (s.match(/VmHWM:\s+(\d+)/)[1]/1024|0) + ' MB peak, ' + (s.match(/VmRSS:\s+(\d+)/)[1]/1024|0)+' MB now'; };
const [dir, variant] = process.argv.slice(2);
const opts = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=4MB'] };
if (variant.includes('mem')) opts.initialMemory = 32 << 20;
if (variant.includes('idb')) opts.initDbStartParams = ['-c', 'shared_buffers=4MB', '-c', 'max_connections=4'];
let t = performance.now();
const db = await PGlite.create(dir, opts);
console.log(variant, 'created', (performance.now()-t)|0, 'ms', st());
await db.query('select 1');
if (globalThis.gc) { gc(); await new Promise(r=>setTimeout(r,500)); gc(); console.log('after gc', st()); }
await db.close();
