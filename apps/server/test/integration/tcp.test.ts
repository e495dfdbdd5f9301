/** STOMP over raw TCP: the same core as /ws, reached by native clients. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getHeader } from '@stomping-ground/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../support/app';
import { StompProbe } from '../support/probe';

const run = promisify(execFile);
/** Debian's stomp.py belongs to the system interpreter, whatever `python3` is first on PATH. */
const SYSTEM_PYTHON = '/usr/bin/python3';
const stompPyClient = fileURLToPath(new URL('./clients/stomp_py_client.py', import.meta.url));

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server.close();
});

describe('STOMP over TCP', () => {
  it('speaks STOMP to a raw socket, frames split and coalesced alike', async () => {
    const client = await StompProbe.tcp(server.tcpPort);
    client.sendRaw(
      'CONNECT\naccept-version:1.1,1.2\nlogin:guest\npasscode:guest\n\n\0SUBSCRIBE\nid:a\ndestination:/topic/tcp\nreceipt:1\n\n\0',
    );
    const connected = await client.nextFrame();
    expect(connected.command).toBe('CONNECTED');
    expect(getHeader(connected.headers, 'version')).toBe('1.2');
    expect(getHeader(connected.headers, 'user-name')).toBe('guest');
    expect((await client.nextFrame()).command).toBe('RECEIPT');

    const send = 'SEND\ndestination:/topic/tcp\ncontent-type:text/plain\n\nover tcp\0';
    for (const byte of new TextEncoder().encode(send)) client.sendRaw(Uint8Array.of(byte));
    const message = await client.nextFrame();
    expect(message.command).toBe('MESSAGE');
    expect(getHeader(message.headers, 'subscription')).toBe('a');
    expect(new TextDecoder().decode(message.body)).toBe('over tcp');
    client.close();
  });

  it('answers a malformed frame with an ERROR and closes the socket', async () => {
    const client = await StompProbe.tcp(server.tcpPort);
    await client.connect();
    client.sendRaw('SEND\ndestination:/topic/x\nbad\\tescape:1\nreceipt:77\n\n\0');
    const error = await client.nextFrame();
    expect(error.command).toBe('ERROR');
    expect(getHeader(error.headers, 'receipt-id')).toBe('77');
    await client.closed;
  });

  it.runIf(existsSync(SYSTEM_PYTHON))(
    'serves stomp.py: receipts, a transaction and client-individual acks',
    async () => {
      const { stdout } = await run(SYSTEM_PYTHON, [stompPyClient, String(server.tcpPort)], {
        timeout: 20_000,
      });
      const seen = JSON.parse(stdout.trim().split('\n').pop()!);
      expect(seen.errors).toEqual([]);
      expect(seen.bodies).toEqual(['plain text', 'héllo wörld', 'in a transaction']);
      expect(seen.originHeader).toBe('python');
      expect(seen.receipts).toEqual(expect.arrayContaining(['r-1', 'bye']));
    },
  );
});
