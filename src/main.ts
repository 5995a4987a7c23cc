// Starts sheethook: config from the environment, then the service, until a signal stops it.
import { ConfigError, loadConfig } from './config.ts';
import { createService } from './service.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const service = await createService(config);
  const url = await service.start();
  service.http.log.info({ url, role: config.role, store: service.store.kind, dataDir: config.dataDir }, 'sheethook is ready');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.http.log.info({ signal }, 'stopping');
    await service.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`sheethook: ${err.message}\n`);
  } else {
    process.stderr.write(`sheethook could not start: ${err?.stack ?? err}\n`);
  }
  process.exit(1);
});
