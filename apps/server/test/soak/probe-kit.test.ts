/**
 * The soak's attacker sockets (`bench/support/soak/raw-socket.ts`) against the real server: a
 * WebSocket framed by hand must be a WebSocket the server accepts, a body sent one byte per
 * message must arrive as the frame it spells, and a connection must keep its side open when the
 * server ends its own, or the soak would measure nothing.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TRANSPORTS } from '../../bench/support/soak/attacks';
import { type Endpoint, HostileConnection, webSocketFrame } from '../../bench/support/soak/raw-socket';
import { type RunningServer, startServer } from '../support/app';

let server: RunningServer;
let endpoint: Endpoint;
const open: HostileConnection[] = [];

async function connection(kind: 'ws' | 'tcp'): Promise<HostileConnection> {
  const opened = await HostileConnection.open(kind, endpoint);
  open.push(opened);
  return opened;
}

const commands = (connection: HostileConnection) => connection.frames.map((frame) => frame.command);

beforeAll(async () => {
  server = await startServer({ market: { enabled: false, updatesPerSecond: 0 } });
  endpoint = { host: '127.0.0.1', wsPort: Number(new URL(server.httpUrl).port), tcpPort: server.tcpPort };
});
afterEach(() => {
  for (const connection of open.splice(0)) connection.destroy();
});
afterAll(() => server.close());

describe.each(TRANSPORTS)('the attacker over %s', (kind) => {
  it('logs in and is answered CONNECTED', async () => {
    const client = await connection(kind);
    const answer = await client.login([]);
    expect(answer?.command).toBe('CONNECTED');
  });

  it('sends a frame one byte per message or write, and the server reads the frame it spells', async () => {
    const reader = await connection(kind);
    await reader.login([]);
    reader.send('SUBSCRIBE\nid:0\ndestination:/topic/probe-kit\nreceipt:subscribed\n\n\0');
    expect(await reader.until(() => commands(reader).includes('RECEIPT'), 5_000)).toBe(true);

    const dripper = await connection(kind);
    await dripper.login([]);
    const frame = Buffer.from('SEND\ndestination:/topic/probe-kit\nreceipt:sent\n\none byte at a time\0');
    for (const byte of frame) {
      dripper.writeRaw(kind === 'ws' ? webSocketFrame(Uint8Array.of(byte)) : Uint8Array.of(byte));
    }
    expect(await dripper.until(() => commands(dripper).includes('RECEIPT'), 5_000)).toBe(true);
    expect(await reader.until(() => commands(reader).includes('MESSAGE'), 5_000)).toBe(true);
  });

  it('keeps its side open after an ERROR, whatever the server does next', async () => {
    const client = await connection(kind);
    const answer = await client.login([
      ['login', 'guest'],
      ['passcode', 'wrong'],
    ]);
    expect(answer?.command).toBe('ERROR');
    // The server says it is done (a close frame, or its FIN); this side has not closed.
    expect(await client.until(() => client.closeCode !== undefined || client.endedByServer, 5_000)).toBe(
      true,
    );
    expect(client.socket.writableEnded).toBe(false);
  });
});
