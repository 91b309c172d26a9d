import { isIP } from 'node:net';

/** Express's `trust proxy`: a hop count, or the addresses and ranges of the proxies to trust. */
export type TrustProxy = number | string[];

/** Express's named ranges (proxy-addr). */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** An IP address, or an IP range as `address/prefix-length`. */
function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Parses VIGIL_TRUST_PROXY: a hop count (`1`: the nearest proxy, whatever its address; `0`: none),
 * or a comma-separated list of `loopback`, `linklocal`, `uniquelocal`, addresses and CIDR ranges.
 * `true` (trust every hop) is refused: it lets any client choose its own address with
 * X-Forwarded-For and so escape the failed-authentication limiter. Returns an error text when invalid.
 */
export function parseTrustProxy(text: string): TrustProxy | { error: string } {
  const value = text.trim();
  if (value === 'true') {
    return {
      error: 'trusting every hop lets any client choose its own address: give a hop count or the proxies',
    };
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 100 ? hops : { error: 'expected a hop count from 0 to 100' };
  }
  const entries = value.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !NAMED_RANGES.includes(entry) && !isAddressOrRange(entry));
  if (bad === undefined) return entries;
  return {
    error:
      `"${bad}" is not a proxy: expected a hop count, or a comma-separated list of ` +
      `${NAMED_RANGES.join(', ')}, IP addresses and CIDR ranges (such as 10.0.0.0/8)`,
  };
}
