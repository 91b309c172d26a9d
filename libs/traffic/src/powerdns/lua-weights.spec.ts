import {
  canonicalAddress,
  luaContent,
  luaEntries,
  luaTolerance,
  parseLuaContent,
  percentByIdc,
  type ParsedLua,
} from './lua-weights';

const addresses = { sha: ['192.0.2.1'], bj: ['192.0.2.2'], gz: ['192.0.2.4', '192.0.2.3'] };

function parsed(content: string): ParsedLua {
  const result = parseLuaContent(content);
  if ('error' in result) throw new Error(result.error);
  return result;
}

describe('luaEntries and luaContent', () => {
  it('writes integer weights in hundredths of a percent, IDCs and addresses sorted', () => {
    const content = luaContent('A', 'pickwrandom', luaEntries({ sha: 50, gz: 20, bj: 30 }, addresses));
    expect(content).toBe(
      `A "pickwrandom({{3000,'192.0.2.2'},{1000,'192.0.2.3'},{1000,'192.0.2.4'},{5000,'192.0.2.1'}})"`,
    );
  });

  it('gives the same content whatever the order of the weights and addresses', () => {
    const shuffled = { gz: ['192.0.2.3', '192.0.2.4'], sha: ['192.0.2.1'], bj: ['192.0.2.2'] };
    expect(luaContent('A', 'pickwhashed', luaEntries({ bj: 30, sha: 50, gz: 20 }, shuffled))).toBe(
      luaContent('A', 'pickwhashed', luaEntries({ sha: 50, gz: 20, bj: 30 }, addresses)),
    );
  });

  it('leaves IDCs at 0 out, even those without addresses', () => {
    const entries = luaEntries({ sha: 0, bj: 100, hk: 0 }, addresses);
    expect(entries).toEqual([{ weight: 10000, address: '192.0.2.2' }]);
  });

  it('splits an IDC over its addresses so that its sum stays exact', () => {
    const three = { sha: ['192.0.2.1', '192.0.2.2', '192.0.2.3'], bj: ['192.0.2.9'] };
    const entries = luaEntries({ sha: 33.33, bj: 66.67 }, three);
    expect(entries.map((e) => e.weight)).toEqual([6667, 1111, 1111, 1111]);
    expect(entries.every((e) => Number.isInteger(e.weight))).toBe(true);
  });

  it('refuses an IDC with a weight but no addresses', () => {
    expect(() => luaEntries({ sha: 50, hk: 50 }, addresses)).toThrow('IDC hk has weight 50 but no addresses');
  });

  it('writes IPv6 addresses canonical, inside single quotes', () => {
    const v6 = { sha: ['2001:DB8:0:0::1'], bj: ['::1'] };
    expect(luaContent('AAAA', 'pickwrandom', luaEntries({ sha: 60, bj: 40 }, v6))).toBe(
      `AAAA "pickwrandom({{4000,'::1'},{6000,'2001:db8::1'}})"`,
    );
  });
});

describe('parseLuaContent and percentByIdc', () => {
  it('round-trips weights through the content', () => {
    const weights = { sha: 50, bj: 30, gz: 20 };
    const back = percentByIdc(
      parsed(luaContent('A', 'pickwrandom', luaEntries(weights, addresses))).entries,
      addresses,
    );
    expect(back).toEqual({ weights });
  });

  it('reads uneven splits back within the tolerance', () => {
    const weights = { sha: 33.333, bj: 33.333, gz: 33.334 };
    const content = luaContent('A', 'pickwhashed', luaEntries(weights, addresses));
    const back = percentByIdc(parsed(content).entries, addresses);
    if (!('weights' in back)) throw new Error('unknown addresses');
    for (const idc of Object.keys(weights)) {
      expect(Math.abs(back.weights[idc] - weights[idc as keyof typeof weights])).toBeLessThanOrEqual(
        luaTolerance(3),
      );
    }
  });

  it('reads a tiny weight that rounds away as 0, within the tolerance', () => {
    const content = luaContent('A', 'pickwrandom', luaEntries({ sha: 0.004, bj: 99.996 }, addresses));
    const back = percentByIdc(parsed(content).entries, addresses);
    expect(back).toEqual({ weights: { sha: 0, bj: 100, gz: 0 } });
    expect(0.004).toBeLessThanOrEqual(luaTolerance(3));
  });

  it('takes the record apart: type, selector, entries', () => {
    expect(parsed(`AAAA "pickwhashed({{1,'2001:DB8::1'},{3,'::1'}})"`)).toEqual({
      type: 'AAAA',
      selector: 'pickwhashed',
      entries: [
        { weight: 1, address: '2001:db8::1' },
        { weight: 3, address: '::1' },
      ],
    });
  });

  it.each([
    [`A "ifportup(443, {'192.0.2.1'})"`],
    [`A "pickwrandom({{50,'192.0.2.1'}{50,'192.0.2.2'}})"`],
    [`A "pickwrandom({{0.5,'192.0.2.1'}})"`],
    [`A "pickwrandom({{50,'192.0.2.1'}}) or 'x'"`],
    [`TXT "pickwrandom({{50,'192.0.2.1'}})"`],
    [''],
  ])('calls %j not a record written by Vigil', (content) => {
    expect(parseLuaContent(content)).toEqual({
      error: expect.stringContaining('not a record written by Vigil'),
    });
  });

  it('refuses an entry that is not an address, or a record without weight', () => {
    expect(parseLuaContent(`A "pickwrandom({{50,'1.2.3'}})"`)).toEqual({
      error: '1.2.3 in the record is not an IP address',
    });
    expect(parseLuaContent(`A "pickwrandom({{0,'192.0.2.1'}})"`)).toEqual({
      error: 'the record has no weight above 0',
    });
  });

  it('names the addresses that belong to no IDC', () => {
    const entries = parsed(
      `A "pickwrandom({{50,'192.0.2.1'},{25,'198.51.100.7'},{25,'198.51.100.8'}})"`,
    ).entries;
    expect(percentByIdc(entries, addresses)).toEqual({ unknown: ['198.51.100.7', '198.51.100.8'] });
  });

  it('maps IPv6 addresses back whatever their spelling in the config', () => {
    const entries = parsed(`AAAA "pickwrandom({{10000,'2001:db8::1'}})"`).entries;
    expect(percentByIdc(entries, { sha: ['2001:0DB8::0001'] })).toEqual({ weights: { sha: 100 } });
  });
});

describe('canonicalAddress', () => {
  it('compresses and lower-cases IPv6, keeps IPv4', () => {
    expect(canonicalAddress('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(canonicalAddress('192.0.2.1')).toBe('192.0.2.1');
  });
});
