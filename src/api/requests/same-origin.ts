// Whether a browser's Origin header names the service itself, as the request reached it.
import type { FastifyRequest } from 'fastify';

/**
 * Compared by host and port, as the Host header gives them: behind a proxy that ends TLS the service sees http while
 * the page is https, and a scheme compared too would refuse every request of the service's own pages.
 */
export function isSameOrigin(req: FastifyRequest, origin: string): boolean {
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}
