import { isIP } from 'node:net';

/**
 * The content of the LUA record Vigil writes, and its parse back into percent per IDC.
 *
 * Format (one line, nothing else): `<type> "<selector>({{<w>,'<address>'},{<w>,'<address>'},...})"`,
 * e.g. `A "pickwrandom({{5000,'192.0.2.1'},{3000,'192.0.2.2'},{2000,'192.0.2.3'}})"`.
 * PowerDNS reads the weights with `atoi`, so they are integers: an IDC's percent × 100 (units of
 * 0.01 %), split over its addresses (largest remainder, so the IDC's sum is exact). IDCs at 0 and
 * addresses whose share rounds to 0 are left out. IDCs are sorted by name, addresses within an IDC
 * in their canonical form, so the same weights always give the same content.
 */

export type LuaRecordType = 'A' | 'AAAA';
export type LuaSelector = 'pickwrandom' | 'pickwhashed';

/** Weight units per percent: weights are written in hundredths of a percent. */
export const UNITS_PER_PERCENT = 100;

/** One `{weight, 'address'}` pair of the record. */
export interface LuaEntry {
  weight: number;
  address: string;
}

/** The address in one spelling (IPv6 lower case and compressed), for writing and comparing. */
export function canonicalAddress(address: string): string {
  if (isIP(address) !== 6) return address;
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/**
 * The record's `{weight, address}` pairs for `weights` (percent per IDC), in the record's order.
 * @throws Error when an IDC with a weight above 0 has no addresses.
 */
export function luaEntries(
  weights: Readonly<Record<string, number>>,
  addresses: Readonly<Record<string, readonly string[]>>,
): LuaEntry[] {
  const entries: LuaEntry[] = [];
  for (const idc of Object.keys(weights).sort()) {
    const percent = weights[idc];
    if (!(percent > 0)) continue;
    const list = [...new Set((addresses[idc] ?? []).map(canonicalAddress))].sort();
    if (list.length === 0) throw new Error(`IDC ${idc} has weight ${percent} but no addresses`);
    const units = Math.round(percent * UNITS_PER_PERCENT);
    const base = Math.floor(units / list.length);
    const extra = units - base * list.length;
    list.forEach((address, i) => {
      const weight = base + (i < extra ? 1 : 0);
      if (weight > 0) entries.push({ weight, address });
    });
  }
  return entries;
}

/** The record's content: `<type> "<selector>({{w,'addr'},...})"`. */
export function luaContent(type: LuaRecordType, selector: LuaSelector, entries: readonly LuaEntry[]): string {
  const table = entries.map((e) => `{${e.weight},'${e.address}'}`).join(',');
  return `${type} "${selector}({${table}})"`;
}

/** A record content as Vigil writes it, taken apart. */
export interface ParsedLua {
  type: LuaRecordType;
  selector: LuaSelector;
  entries: LuaEntry[];
}

const ENTRY_TEXT = String.raw`\{(\d{1,9}),'([0-9A-Fa-f.:]+)'\}`;
const CONTENT = new RegExp(
  String.raw`^(A|AAAA) "(pickwrandom|pickwhashed)\(\{(${ENTRY_TEXT}(?:,${ENTRY_TEXT})*)\}\)"$`,
);
const ENTRY = new RegExp(ENTRY_TEXT, 'g');

/** The parts of a record content in Vigil's format, or a reason why it is not. */
export function parseLuaContent(content: string): ParsedLua | { error: string } {
  const match = CONTENT.exec(content.trim());
  if (match === null) {
    return { error: `not a record written by Vigil: ${JSON.stringify(content.slice(0, 120))}` };
  }
  const [, type, selector, table] = match;
  const entries: LuaEntry[] = [];
  for (const [, weight, address] of table.matchAll(ENTRY)) {
    if (isIP(address) === 0) return { error: `${address} in the record is not an IP address` };
    entries.push({ weight: Number(weight), address: canonicalAddress(address) });
  }
  if (!entries.some((e) => e.weight > 0)) return { error: 'the record has no weight above 0' };
  return { type: type as LuaRecordType, selector: selector as LuaSelector, entries };
}

/**
 * Percent per IDC (every IDC of `addresses`, 0 when absent) from the record's entries, or the
 * addresses that belong to no IDC.
 */
export function percentByIdc(
  entries: readonly LuaEntry[],
  addresses: Readonly<Record<string, readonly string[]>>,
): { weights: Record<string, number> } | { unknown: string[] } {
  const idcOf = new Map<string, string>();
  const units: Record<string, number> = {};
  for (const [idc, list] of Object.entries(addresses)) {
    units[idc] = 0;
    for (const address of list) idcOf.set(canonicalAddress(address), idc);
  }
  const unknown = [...new Set(entries.map((e) => e.address).filter((a) => !idcOf.has(a)))];
  if (unknown.length > 0) return { unknown };
  let total = 0;
  for (const { weight, address } of entries) {
    units[idcOf.get(address)!] += weight;
    total += weight;
  }
  const weights: Record<string, number> = {};
  for (const [idc, u] of Object.entries(units)) weights[idc] = (u * 100) / total;
  return { weights };
}

/**
 * Percentage points within which a read weight equals the applied one. Each IDC's units are its
 * percent × 100 rounded (off by ≤ 0.5 unit), so the total is off by ≤ 0.5 unit per IDC and a read
 * percent by ≤ 0.005 × (idcs + 1) points; doubled for floating point and kept readable.
 */
export function luaTolerance(idcs: number): number {
  return 0.01 * (idcs + 1);
}
