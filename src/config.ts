// The service's configuration, parsed once from the environment into one typed object.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ipaddr from 'ipaddr.js';
import { SESSION_TOKEN_PREFIX } from './api-key.ts';

/** What a process runs: the HTTP API, the delivery worker and ingest runner, or both. */
export type Role = 'api' | 'worker' | 'all';
export const ROLES: readonly Role[] = ['api', 'worker', 'all'];

export interface Config {
  role: Role;
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  apiKey?: string;
  /** CIDRs that destinations may reach although they are private, loopback or link-local. */
  destinationAllowlist: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  /** Key that encrypts secrets at rest (base64, 32 bytes); else a key file in the data directory. */
  secretKey?: string;
  maxFileBytes: number;
  /** What one file may hold: data rows, columns, and bytes once an XLSX is unzipped. */
  limits: { maxRows: number; maxColumns: number; maxUncompressedBytes: number };
  logLevel: string;
  /** How often idle workers look for due work; new work wakes them at once. */
  pollIntervalMs: number;
  deliveryConcurrency: number;
  /** Uploads this process reads at once, each on a thread of its own, so that a small one is not read after a large one. */
  ingestConcurrency: number;
  /** How long an interactive upload may wait in mapping or review, untouched, before it expires. */
  uploadTtlMs: number;
  /**
   * How long a claimed chunk stays leased beyond its destination's request timeout, so a live worker never loses a
   * chunk it is still sending; a dead process's chunks are taken over once it runs out. An ingest lease is twice it.
   */
  leaseMarginMs: number;
  /** How long a stop waits for requests under way before it closes their connections. */
  stopGraceMs: number;
  /** The web build (widget/ and embed.js) that the API serves; dist/web of the package unless set. */
  webDir: string;
  /** How long a console session (cookie) lives without a request, and at most. */
  console: { idleMs: number; maxMs: number };
}

/** src/config.ts and dist/config.js both sit one level below the package's root. */
const PACKAGE_WEB_DIR = fileURLToPath(new URL('../dist/web', import.meta.url));

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  return {
    role: parseRole(env.SHEETHOOK_ROLE || 'all', databaseUrl),
    port: int(env, 'PORT', 3000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: resolve(env.SHEETHOOK_DATA_DIR || './data'),
    databaseUrl,
    apiKey: parseApiKey(env.SHEETHOOK_API_KEY || undefined),
    destinationAllowlist: parseAllowlist(env.SHEETHOOK_DESTINATION_ALLOWLIST ?? ''),
    secretKey: env.SHEETHOOK_SECRET_KEY || undefined,
    maxFileBytes: int(env, 'SHEETHOOK_MAX_FILE_BYTES', 1024 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
    limits: {
      maxRows: int(env, 'SHEETHOOK_MAX_ROWS', 10_000_000, 1, 2 ** 31 - 1),
      maxColumns: int(env, 'SHEETHOOK_MAX_COLUMNS', 2000, 1, 16_384),
      maxUncompressedBytes: int(env, 'SHEETHOOK_MAX_UNZIPPED_BYTES', 4 * 1024 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER),
    },
    logLevel: env.LOG_LEVEL || 'info',
    pollIntervalMs: int(env, 'SHEETHOOK_POLL_INTERVAL_MS', 1000, 10, 60_000),
    deliveryConcurrency: int(env, 'SHEETHOOK_DELIVERY_CONCURRENCY', 8, 1, 256),
    ingestConcurrency: int(env, 'SHEETHOOK_INGEST_CONCURRENCY', 2, 1, 32),
    uploadTtlMs: int(env, 'SHEETHOOK_UPLOAD_TTL_MINUTES', 24 * 60, 1, 365 * 24 * 60) * 60_000,
    leaseMarginMs: int(env, 'SHEETHOOK_LEASE_MARGIN_MS', 30_000, 1000, 3_600_000),
    stopGraceMs: int(env, 'SHEETHOOK_STOP_GRACE_MS', 10_000, 0, 3_600_000),
    webDir: resolve(env.SHEETHOOK_WEB_DIR || PACKAGE_WEB_DIR),
    console: {
      idleMs: Math.round(number(env, 'SHEETHOOK_CONSOLE_IDLE_MINUTES', 30, 0.01, 7 * 24 * 60) * 60_000),
      maxMs: Math.round(number(env, 'SHEETHOOK_CONSOLE_MAX_HOURS', 12, 0.01, 365 * 24) * 3_600_000),
    },
  };
}

/** A key that looked like a session token would be taken for one, and never work as a key. */
function parseApiKey(key: string | undefined): string | undefined {
  if (key?.startsWith(SESSION_TOKEN_PREFIX)) {
    throw new ConfigError(`SHEETHOOK_API_KEY may not start with "${SESSION_TOKEN_PREFIX}": that marks an import session token`);
  }
  return key;
}

function parseRole(raw: string, databaseUrl: string | undefined): Role {
  const role = ROLES.find((r) => r === raw);
  if (!role) throw new ConfigError(`SHEETHOOK_ROLE must be ${ROLES.join(', ')} or unset (all), got "${raw}"`);
  // PGlite lives inside one process: nothing else can reach the work an api process queues or a worker does.
  if (role !== 'all' && !databaseUrl) {
    throw new ConfigError(`SHEETHOOK_ROLE=${role} needs DATABASE_URL: the embedded store is one process, which runs everything (role all)`);
  }
  return role;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** A duration may be a fraction (0.5 minutes), as a short one is what a test or a cautious operator wants. */
function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function parseAllowlist(raw: string): [ipaddr.IPv4 | ipaddr.IPv6, number][] {
  return raw.split(',').map((s) => s.trim()).filter(Boolean).map((cidr) => {
    try {
      return cidr.includes('/') ? ipaddr.parseCIDR(cidr) : [ipaddr.parse(cidr), ipaddr.parse(cidr).kind() === 'ipv4' ? 32 : 128];
    } catch {
      throw new ConfigError(`SHEETHOOK_DESTINATION_ALLOWLIST: "${cidr}" is not a CIDR such as 10.0.0.0/8 or ::1/128`);
    }
  });
}
