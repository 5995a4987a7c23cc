// Decides which addresses webhooks may be sent to: public unicast only, unless an operator allowlists a range.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const IPV4_COMPATIBLE = ipaddr.parse('::');

export class BlockedAddressError extends Error {
  readonly code = 'ERR_ADDRESS_BLOCKED';
  constructor(readonly address: string, readonly host: string) {
    super(`${host === address ? address : `${host} (${address})`} is a private, loopback, link-local or reserved address; ` +
      'add it to SHEETHOOK_DESTINATION_ALLOWLIST to allow it');
  }
}

export interface AddressGuard {
  isAllowed(address: string): boolean;
  /** A drop-in for dns.lookup that refuses blocked answers, for use where the connection is made. */
  lookup: LookupFunction;
  /** Resolves a host name (or IP literal) and throws BlockedAddressError if any address is not allowed. */
  check(host: string): Promise<string[]>;
}

export function createAddressGuard(allowlist: Cidr[]): AddressGuard {
  const isAllowed = (address: string): boolean => {
    let ip: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      ip = ipaddr.parse(stripBrackets(address));
    } catch {
      return false;
    }
    // ::ffff:10.0.0.1 reaches 10.0.0.1: judge the address it really is.
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
    if (allowlist.some(([range, bits]) => range.kind() === ip.kind() && ip.match(range, bits))) return true;
    // ::10.0.0.1, the deprecated IPv4-compatible form, is "unicast" to ipaddr.js but embeds an IPv4 address.
    if (ip.kind() === 'ipv6' && ip.match(IPV4_COMPATIBLE, 96)) return false;
    return ip.range() === 'unicast';
  };

  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const blocked = addresses.find((a) => !isAllowed(a.address));
      if (blocked) return callback(new BlockedAddressError(blocked.address, hostname), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };

  const check = async (host: string): Promise<string[]> => {
    const bare = stripBrackets(host);
    const addresses = isIP(bare)
      ? [bare]
      : await new Promise<string[]>((resolve, reject) => {
        dnsLookup(bare, { all: true }, (err, found) => (err ? reject(err) : resolve(found.map((a) => a.address))));
      });
    const blocked = addresses.find((a) => !isAllowed(a));
    if (blocked) throw new BlockedAddressError(blocked, bare);
    return addresses;
  };

  return { isAllowed, lookup, check };
}

export const stripBrackets = (host: string) => host.replace(/^\[(.*)\]$/, '$1');
