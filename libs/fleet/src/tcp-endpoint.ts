import { Socket } from 'node:net';
import { accept, Delays, EndpointState, reset } from './endpoint-state';
import { decide, decideOnConnection } from './modes';
import { TcpSpec } from './types';

const MAX_BUFFERED = 65_536;

/**
 * TCP endpoints: accept; every time the peer has sent `expect` (default `PING\r\n`) answer `reply`
 * (default `PONG\r\n`); other bytes are ignored. The mode is decided per connection at accept (reset,
 * hang: nothing is answered, flap), then per request for slow / down / hang switched on later.
 * `status` behaves like `up`.
 */
export class TcpEndpoints {
  private readonly expect: string;
  private readonly reply: Buffer;

  constructor(
    spec: TcpSpec,
    private readonly delays: Delays,
  ) {
    this.expect = spec.expect ?? 'PING\r\n';
    this.reply = Buffer.from(spec.reply ?? 'PONG\r\n');
    if (this.expect === '') throw new Error('tcp.expect must not be empty');
  }

  handler(state: EndpointState): (socket: Socket) => void {
    return (socket) => {
      accept(state, socket);
      const action = decide(state.mode, Math.random());
      if (action.kind === 'reset') return reset(socket);
      if (action.kind === 'hang') return void socket.resume(); // read and drop, so a peer's close is seen
      let buffered = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk: string) => {
        buffered += chunk;
        let at: number;
        while ((at = buffered.indexOf(this.expect)) >= 0) {
          buffered = buffered.slice(at + this.expect.length);
          if (!this.answer(state, socket)) return;
        }
        if (buffered.length > MAX_BUFFERED) buffered = buffered.slice(-this.expect.length);
      });
    };
  }

  /** Answers one request; false when the connection was reset. */
  private answer(state: EndpointState, socket: Socket): boolean {
    state.requests++;
    const action = decideOnConnection(state.mode);
    if (action.kind === 'reset') {
      reset(socket);
      return false;
    }
    if (action.kind === 'hang') return true;
    if (action.delayMs === 0) socket.write(this.reply);
    else {
      const timer = this.delays.later(action.delayMs, () => {
        if (!socket.destroyed) socket.write(this.reply);
      });
      socket.once('close', () => this.delays.cancel(timer));
    }
    return true;
  }
}
