// Asks the service's /health every 100 ms while an import runs, as an orchestrator's health check would, and keeps
// the longest wait for an answer: a service that stops answering during a long step shows here.

export interface HealthProbe {
  /** Stops asking; the longest wait in ms, and how many answers came. */
  stop(): Promise<{ longestMs: number; answers: number }>;
}

const INTERVAL_MS = 100;

export function probeHealth(url: string): HealthProbe {
  let running = true;
  let longestMs = 0;
  let answers = 0;
  const loop = (async () => {
    while (running) {
      const asked = performance.now();
      const res = await fetch(`${url}/health`);
      await res.arrayBuffer();
      const waited = performance.now() - asked;
      longestMs = Math.max(longestMs, waited);
      answers++;
      if (res.status !== 200) throw new Error(`/health answered ${res.status}`);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, INTERVAL_MS - waited)));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { longestMs, answers };
    },
  };
}
