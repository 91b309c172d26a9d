import { BatchLedger } from './batch-ledger';

describe('BatchLedger', () => {
  it('passes a batch the first time and drops its repeats', () => {
    const ledger = new BatchLedger();
    expect(ledger.first('p1.1')).toBe(true);
    expect(ledger.first('p1.2')).toBe(true);
    expect(ledger.first('p1.1')).toBe(false);
    expect(ledger.first('p2.1')).toBe(true);
  });

  it('always passes batches of older probers, which carry no id', () => {
    const ledger = new BatchLedger();
    expect(ledger.first(undefined)).toBe(true);
    expect(ledger.first(undefined)).toBe(true);
  });

  it('forgets the oldest ids beyond its capacity', () => {
    const ledger = new BatchLedger(2);
    ledger.first('a');
    ledger.first('b');
    ledger.first('c');
    expect(ledger.first('b')).toBe(false);
    expect(ledger.first('a')).toBe(true);
  });
});
