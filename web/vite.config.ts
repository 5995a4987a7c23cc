// Builds the import widget (web/widget) into dist/web/widget, served by the service at /widget/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// `vite` (dev server) sends the API to a running service, so the widget calls it on its own origin as it does when
// served. The Host header is kept: the service takes a request whose Origin matches it for the widget's own.
const proxy = { '/v1': { target: process.env.SHEETHOOK_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } };

export default defineConfig({
  root: here('./widget'),
  base: '/widget/',
  plugins: [react()],
  build: {
    outDir: here('../dist/web/widget'),
    emptyOutDir: true,
    target: 'es2022',
  },
  server: { proxy },
  preview: { proxy },
});
