import { decide, decideOnConnection, describeMode, isListening, killsConnections, parseMode } from './modes';
import { Mode } from './types';

describe('decide', () => {
  it('maps each mode to what a request or connection gets', () => {
    expect(decide({ mode: 'up' }, 0.5)).toEqual({ kind: 'respond', status: 200, delayMs: 0 });
    expect(decide({ mode: 'down', how: 'reset' }, 0.5)).toEqual({ kind: 'reset' });
    expect(decide({ mode: 'down', how: 'refused' }, 0.5)).toEqual({ kind: 'reset' });
    expect(decide({ mode: 'hang' }, 0.5)).toEqual({ kind: 'hang' });
    expect(decide({ mode: 'slow', ms: 250 }, 0.5)).toEqual({ kind: 'respond', status: 200, delayMs: 250 });
    expect(decide({ mode: 'status', code: 503 }, 0.5)).toEqual({ kind: 'respond', status: 503, delayMs: 0 });
  });

  it('flap fails with probability p: random < p resets', () => {
    const flap = (p: number): Mode => ({ mode: 'flap', p });
    expect(decide(flap(1), 0.999999).kind).toBe('reset');
    expect(decide(flap(0), 0).kind).toBe('respond');
    expect(decide(flap(0.3), 0.29).kind).toBe('reset');
    expect(decide(flap(0.3), 0.3).kind).toBe('respond');
  });

  it('on an accepted connection, flap was already decided', () => {
    expect(decideOnConnection({ mode: 'flap', p: 1 }).kind).toBe('respond');
    expect(decideOnConnection({ mode: 'slow', ms: 10 })).toEqual({
      kind: 'respond',
      status: 200,
      delayMs: 10,
    });
    expect(decideOnConnection({ mode: 'hang' }).kind).toBe('hang');
  });
});

describe('listening and connections', () => {
  it('only down/refused closes the listener; down kills open connections', () => {
    expect(isListening({ mode: 'down', how: 'refused' })).toBe(false);
    expect(isListening({ mode: 'down', how: 'reset' })).toBe(true);
    expect(isListening({ mode: 'hang' })).toBe(true);
    expect(killsConnections({ mode: 'down', how: 'reset' })).toBe(true);
    expect(killsConnections({ mode: 'hang' })).toBe(false);
  });
});

describe('parseMode', () => {
  it('expands shorthands and keeps valid modes', () => {
    expect(parseMode('up')).toEqual({ mode: 'up' });
    expect(parseMode('hang')).toEqual({ mode: 'hang' });
    expect(parseMode('refused')).toEqual({ mode: 'down', how: 'refused' });
    expect(parseMode('reset')).toEqual({ mode: 'down', how: 'reset' });
    expect(parseMode({ mode: 'slow', ms: 0 })).toEqual({ mode: 'slow', ms: 0 });
    expect(parseMode({ mode: 'status', code: 503, extra: 1 })).toEqual({ mode: 'status', code: 503 });
    expect(parseMode({ mode: 'flap', p: 0.25 })).toEqual({ mode: 'flap', p: 0.25 });
  });

  it.each([
    [{ mode: 'down' }, 'refused'],
    [{ mode: 'slow', ms: -1 }, 'ms >= 0'],
    [{ mode: 'status', code: 100 }, '200-599'],
    [{ mode: 'status', code: 503.5 }, '200-599'],
    [{ mode: 'flap', p: 1.5 }, 'probability'],
    [{ mode: 'sideways' }, 'unknown fleet mode'],
    ['down', 'invalid fleet mode'],
    [null, 'invalid fleet mode'],
  ])('rejects %j', (input, message) => {
    expect(() => parseMode(input)).toThrow(message);
  });

  it('describes modes for logs', () => {
    expect(
      ['up', 'reset', { mode: 'slow', ms: 5 }, { mode: 'flap', p: 0.5 }].map((m) =>
        describeMode(parseMode(m)),
      ),
    ).toEqual(['up', 'down(reset)', 'slow(5ms)', 'flap(0.5)']);
  });
});
