// Entry of the thread that reads record blocks: loads its TypeScript through tsx, whatever started the process.
import { tsImport } from 'tsx/esm/api';

await tsImport('./block-reader-thread.ts', import.meta.url);
