// Builds the web apps in one multi-page build: the import widget (web/widget) and the admin console (web/admin) into
// dist/web/widget and dist/web/admin, their scripts and styles (and the chunks they share, React first) into
// dist/web/assets. The service serves them at /widget/, /admin/ and /assets/.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const outDir = here('../dist/web');
// `vite` (dev server) sends the API to a running service, so the apps call it on their own origin as they do when
// served. The Host header is kept: the service takes a request whose Origin matches it for its own.
const service = { target: process.env.SHEETHOOK_URL ?? 'http://127.0.0.1:3000', changeOrigin: false };
const proxy = { '/v1': service, '/embed.js': service };

/**
 * dist/web also holds embed.js, built by its own script (npm run build:embed), so the output directory is not emptied
 * as a whole: only what this build writes is removed before it writes it again.
 */
function cleanOwnOutput(): Plugin {
  return {
    name: 'sheethook-clean-own-output',
    apply: 'build',
    buildStart() {
      for (const dir of ['widget', 'admin', 'assets']) rmSync(`${outDir}/${dir}`, { recursive: true, force: true });
    },
  };
}

/** In the development server as in the service: every path below /admin/ is the console's one page. */
function consoleRoutes(): Plugin {
  return {
    name: 'sheethook-console-routes',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const path = req.url?.split('?')[0] ?? '';
        if (/^\/admin\/(?!src\/|@)[^.]*$/.test(path)) req.url = '/admin/index.html';
        next();
      });
    },
  };
}

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react(), cleanOwnOutput(), consoleRoutes()],
  build: {
    outDir,
    emptyOutDir: false,
    target: 'es2022',
    rolldownOptions: {
      input: { widget: here('./widget/index.html'), admin: here('./admin/index.html') },
    },
  },
  server: { proxy },
  preview: { proxy },
});
