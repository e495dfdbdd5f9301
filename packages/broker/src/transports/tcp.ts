/**
 * STOMP over raw TCP (port 61613 by convention) for native clients: the same core as the
 * WebSocket route, through a second thin adapter of the Transport port.
 */
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { Broker } from '../core/broker';
import type { Logger } from '../core/logger';
import type { Transport } from '../core/transport';

export interface StompTcpListener {
  readonly server: Server;
  listen(): Promise<void>;
  address(): AddressInfo;
  /** Stops accepting; open sockets are left to the broker's shutdown. */
  stopAccepting(): Promise<void>;
  /** Destroys any socket still open. */
  destroyAll(): void;
}

export interface TcpTransportOptions {
  /** After `close`, how long the peer has to close its side before the socket is destroyed. */
  readonly closeGraceMs: number;
}

export function tcpTransport(socket: Socket, options: TcpTransportOptions): Transport {
  let closing = false;
  return {
    send(bytes) {
      socket.write(bytes);
    },
    get bufferedAmount() {
      return socket.writableLength;
    },
    close() {
      if (closing) return;
      closing = true;
      // `end()` flushes what was written (the ERROR, STOMP 1.2 "Connection Lingering") and half-closes;
      // the socket is only released once the peer closes its side, so a peer that never does is cut off.
      socket.end();
      setTimeout(() => socket.destroy(), options.closeGraceMs).unref();
    },
    pause() {
      socket.pause();
    },
    resume() {
      socket.resume();
    },
  };
}

export function createStompTcpListener(
  broker: Broker,
  options: { port: number; host: string; closeGraceMs: number; log: Logger },
): StompTcpListener {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const connection = broker.connect(tcpTransport(socket, options), {
      kind: 'tcp',
      remoteAddress: socket.remoteAddress ?? 'unknown',
    });
    socket.on('data', (chunk) => connection.receive(chunk));
    socket.on('drain', () => connection.drained?.());
    socket.on('close', () => {
      sockets.delete(socket);
      connection.closed();
    });
    socket.on('error', (error) => options.log.debug({ err: error }, 'STOMP TCP socket error'));
  });
  return {
    server,
    listen: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => {
          server.off('error', reject);
          resolve();
        });
      }),
    address: () => server.address() as AddressInfo,
    stopAccepting: () => new Promise<void>((resolve) => server.close(() => resolve())),
    destroyAll() {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Why a listener could not bind, as a person would put it. */
export const BIND_FAULTS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'is in use by another program',
  EACCES: 'needs privileges this process lacks',
  EADDRNOTAVAIL: 'is on an address this machine does not have',
};

/** The one line a failed TCP bind is reported in: what happened, and both ways out. */
export function tcpBindFailure(tcp: { port: number; host: string }, code: string): string {
  return (
    `STOMP over TCP is off: port ${tcp.port} on ${tcp.host} ${BIND_FAULTS[code] ?? 'cannot be bound'} (${code}); ` +
    'set STOMP_TCP_PORT to a free port, or STOMP_TCP_PORT=0 to turn it off. STOMP over WebSocket (/ws) is serving.'
  );
}
