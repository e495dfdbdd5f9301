/**
 * Identities nobody can take, tried as an attacker would on a real server: logging in as a user who
 * is connected, as a guest the server minted (whose name game state shows), as a claimed name;
 * the rightful owner coming back with its secret; `STOMP_GUESTS=off`; and no public topic (nor
 * `/healthz` or `/metrics`) carrying anything that would let someone log in as another.
 */
import { Client, type IFrame, type IMessage } from '@stomp/stompjs';
import {
  GameDestination,
  type GameEvent,
  type GameSnapshot,
  MarketDestination,
  type OrderEvent,
  type RoomSummary,
} from '@stomping-ground/contracts';
import { type Frame, GUEST_PASSCODE_HEADER, guestIdentityFrom } from '@stomping-ground/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type RunningServer, startServer } from '../support/app';
import { StompProbe } from '../support/probe';
import {
  expectSessionError,
  header,
  ProbePool,
  sendWithReceipt,
  subscribe,
  TRANSPORTS,
  type TransportKind,
  until,
} from '../support/raw';

const AUTH_FAILED = { code: 'STOMP_ERR_AUTH_FAILED', close: 1008 } as const;

let server: RunningServer;
const pool = new ProbePool(() => server);
const clients: Client[] = [];

beforeAll(async () => {
  server = await startServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.deactivate()));
  await pool.closeAll();
});

afterAll(async () => {
  await server.close();
});

/** A real stompjs client, as the pages use it; resolves with the CONNECTED frame. */
function stompjs(
  connectHeaders: Record<string, string> = {},
): Promise<{ client: Client; connected: IFrame }> {
  return new Promise((resolve, reject) => {
    const client = new Client({
      webSocketFactory: () => new WebSocket(server.wsUrl, ['v12.stomp']),
      connectHeaders,
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      debug: () => {},
      onConnect: (connected) => resolve({ client, connected }),
      onStompError: (frame) => reject(new Error(`${frame.headers.code}: ${frame.body}`)),
      onWebSocketError: () => reject(new Error('WebSocket error')),
    });
    clients.push(client);
    client.activate();
  });
}

/** Collects a stompjs subscription's JSON messages. */
function collect<T>(client: Client, destination: string): T[] {
  const received: T[] = [];
  client.subscribe(destination, (message: IMessage) => received.push(JSON.parse(message.body) as T));
  return received;
}

/** Tries to log in as `login` with `passcode` (none when undefined) and expects the refusal. */
async function expectRefused(kind: TransportKind, login: string, passcode?: string): Promise<void> {
  const probe = await pool.probe(kind);
  const headers: Array<[string, string]> = [['login', login]];
  if (passcode !== undefined) headers.push(['passcode', passcode]);
  probe.send({ command: 'CONNECT', headers: [['accept-version', '1.2'], ['host', 'localhost'], ...headers] });
  await expectSessionError(probe, kind, AUTH_FAILED);
}

describe('a minted guest', () => {
  it('gets its name and passcode in CONNECTED, through stompjs', async () => {
    const { connected } = await stompjs();
    const identity = guestIdentityFrom(connected.headers);
    expect(identity?.login).toMatch(/^guest-[0-9a-f]{16}$/);
    expect(identity?.passcode).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each(TRANSPORTS)(
    'cannot be impersonated over %s while connected: no passcode, a made-up one, or another guest’s',
    async (kind) => {
      const { client, connected } = await stompjs();
      const victim = guestIdentityFrom(connected.headers)!;
      const other = guestIdentityFrom((await stompjs()).connected.headers)!;
      const orders = collect<OrderEvent>(client, MarketDestination.orderEvents);
      await until(() => orders.length > 0, 5_000, 'the open-orders snapshot');

      await expectRefused(kind, victim.login);
      await expectRefused(kind, victim.login, '');
      await expectRefused(kind, victim.login, 'x'.repeat(43));
      await expectRefused(kind, victim.login, other.passcode);
      await expectRefused(kind, victim.login.toUpperCase(), victim.passcode);
      // Claiming a name of the minted shape, with a passcode of one's choosing, is refused too.
      await expectRefused(kind, 'guest-0123456789abcdef', 'my own passcode');
      expect(client.connected).toBe(true);
    },
  );

  it('comes back with its passcode to the same orders, and can cancel them; an impostor could not', async () => {
    const first = await stompjs();
    const identity = guestIdentityFrom(first.connected.headers)!;
    const events = collect<OrderEvent>(first.client, MarketDestination.orderEvents);
    await until(() => events.length > 0, 5_000, 'the open-orders snapshot');
    first.client.publish({
      destination: MarketDestination.placeOrder,
      body: JSON.stringify({
        clientOrderId: 'c1',
        symbol: 'WAYN',
        side: 'buy',
        type: 'limit',
        quantity: 20,
        price: 4500,
      }),
    });
    await until(() => events.some((event) => event.type === 'accepted'), 5_000, 'the order to be accepted');
    const accepted = events.find((event) => event.type === 'accepted');
    const orderId = accepted?.type === 'accepted' ? accepted.order.orderId : '';
    await first.client.deactivate();

    await expectRefused('tcp', identity.login);
    const back = await stompjs({ login: identity.login, passcode: identity.passcode });
    expect(back.connected.headers['user-name']).toBe(identity.login);
    expect(back.connected.headers[GUEST_PASSCODE_HEADER]).toBe(identity.passcode);
    const again = collect<OrderEvent>(back.client, MarketDestination.orderEvents);
    await until(() => again.length > 0, 5_000, 'the open-orders snapshot');
    expect(again[0]).toMatchObject({ type: 'open-orders', orders: [{ orderId, clientOrderId: 'c1' }] });
    back.client.publish({ destination: MarketDestination.cancelOrder, body: JSON.stringify({ orderId }) });
    await until(() => again.some((event) => event.type === 'cancelled'), 5_000, 'the cancel');
  });

  it('whose name the game shows cannot be logged in as by a spectator who read it', async () => {
    const player = await StompProbe.ws(server.wsUrl);
    const playerConnected = await player.connect();
    const victim = header(playerConnected, 'user-name') ?? '';
    await subscribe(player, 'events', GameDestination.events);
    // No display name: the game shows the login.
    player.send({ command: 'SEND', headers: [['destination', GameDestination.join]], body: '{}' });
    const joined = await waitForEvent(player, 'joined');

    const spectator = await pool.client('ws');
    await subscribe(spectator, 'rooms', GameDestination.rooms);
    await subscribe(spectator, 'state', GameDestination.snapshotsJson(joined.roomId));
    await spectator.waitFor(() => bodies(spectator, 'state').some((body) => body.includes(victim)));
    const snapshot = JSON.parse(
      bodies(spectator, 'state').find((body) => body.includes(victim))!,
    ) as GameSnapshot;
    const shown = snapshot.players.map((p) => p.name);
    expect(shown).toContain(victim);

    for (const kind of TRANSPORTS) await expectRefused(kind, victim);
    for (const kind of TRANSPORTS) await expectRefused(kind, victim, joined.resumeToken);
    player.close();
  });
});

describe('a claimed name', () => {
  it.each(TRANSPORTS)('is claimed once over %s, and only its passcode lets anyone in after', async (kind) => {
    const name = `carol.${kind}`;
    const owner = await stompjs({ login: name, passcode: 'owner passcode' });
    expect(owner.connected.headers['user-name']).toBe(name);
    expect(owner.connected.headers[GUEST_PASSCODE_HEADER]).toBeUndefined();
    const portfolio = collect<{ login: string }>(owner.client, MarketDestination.portfolio);
    await until(() => portfolio.length > 0, 5_000, 'the portfolio');
    expect(portfolio[0]?.login).toBe(name);

    await expectRefused(kind, name);
    await expectRefused(kind, name, 'a guess');
    await expectRefused(kind, name, 'owner passcode ');
    expect(owner.client.connected).toBe(true);

    await owner.client.deactivate();
    await expectRefused(kind, name, 'after the owner left');
    const back = await stompjs({ login: name, passcode: 'owner passcode' });
    expect(back.connected.headers['user-name']).toBe(name);
  });

  it('of a fixed account cannot be taken: the configured passcode or nothing', async () => {
    const alice = await stompjs({ login: 'alice', passcode: 'alice' });
    for (const kind of TRANSPORTS) {
      await expectRefused(kind, 'alice');
      await expectRefused(kind, 'alice', 'a claim');
    }
    expect(alice.client.connected).toBe(true);
  });

  it('is refused without a passcode even when nobody has it, as trusted brokers refuse a user without one', async () => {
    for (const kind of TRANSPORTS) await expectRefused(kind, `unclaimed-${kind}`);
    // A refused login claims nothing: the name is still free.
    const later = await stompjs({ login: 'unclaimed-ws', passcode: 'now' });
    expect(later.connected.headers['user-name']).toBe('unclaimed-ws');
  });
});

describe('public topics, /healthz and /metrics', () => {
  it('carry names only: no guest passcode, claimed passcode or seat resume token', async () => {
    const watcher = await pool.client('ws');
    await subscribe(watcher, 'rooms', GameDestination.rooms);
    await subscribe(watcher, 'trades', MarketDestination.trades);
    await subscribe(watcher, 'quotes', MarketDestination.quotes('WAYN'));
    await subscribe(watcher, 'book', MarketDestination.book('WAYN'));
    await subscribe(watcher, 'candles', MarketDestination.candles('WAYN', '1s'));
    await subscribe(watcher, 'instruments', MarketDestination.instruments);
    await subscribe(watcher, 'stats', '/topic/broker/stats');

    // A guest who plays and trades, and a claimed name that trades against it.
    const guest = await StompProbe.ws(server.wsUrl);
    const guestConnected = await guest.connect();
    const guestLogin = header(guestConnected, 'user-name') ?? '';
    const guestPasscode = header(guestConnected, GUEST_PASSCODE_HEADER) ?? '';
    await subscribe(guest, 'events', GameDestination.events);
    guest.send({ command: 'SEND', headers: [['destination', GameDestination.join]], body: '{}' });
    const joined = await waitForEvent(guest, 'joined');
    await subscribe(watcher, 'state', GameDestination.snapshots(joined.roomId));
    await subscribe(watcher, 'state.json', GameDestination.snapshotsJson(joined.roomId));
    const claimedPasscode = 'dave’s very own passcode';
    const dave = await pool.client('tcp', 'dave', claimedPasscode);
    for (const [probe, side] of [
      [guest, 'sell'],
      [dave, 'buy'],
    ] as const) {
      await sendWithReceipt(
        probe,
        'SEND',
        [['destination', MarketDestination.placeOrder]],
        JSON.stringify({ clientOrderId: `x-${side}`, symbol: 'WAYN', side, type: 'market', quantity: 20 }),
      );
    }

    const seen = () => new Set(watcher.frames.map((frame) => header(frame, 'subscription')));
    await watcher.waitFor(
      () =>
        ['rooms', 'trades', 'quotes', 'book', 'candles', 'instruments', 'stats', 'state', 'state.json'].every(
          (id) => seen().has(id),
        ) && bodies(watcher, 'state.json').some((body) => body.includes(guestLogin)),
      10_000,
      'a message on every public topic, and the guest in the room state',
    );
    const rooms = JSON.parse(bodies(watcher, 'rooms').at(-1)!) as RoomSummary[];
    expect(rooms.some((room) => room.roomId === joined.roomId)).toBe(true);

    const health = await (await fetch(`${server.httpUrl}/healthz`)).text();
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    const everything = [...watcher.frames.map(asLatin1), health, metrics].join('\n');
    // What was read is what the public sees: the names are in it, the secrets are not.
    expect(everything).toContain(guestLogin);
    for (const secret of [guestPasscode, claimedPasscode, joined.resumeToken]) {
      expect(secret.length).toBeGreaterThan(8);
      expect(everything).not.toContain(secret);
    }
    guest.close();
  });
});

describe('with STOMP_GUESTS=off', () => {
  let closed: RunningServer;
  const closedPool = new ProbePool(() => closed);

  beforeAll(async () => {
    closed = await startServer({ identities: { guests: false, secret: undefined, maxClaims: 100 } });
  });

  afterEach(() => closedPool.closeAll());

  afterAll(async () => {
    await closed.close();
  });

  it.each(TRANSPORTS)('lets only the fixed accounts in over %s', async (kind) => {
    const alice = await closedPool.client(kind, 'alice', 'alice');
    expect(alice.frames[0]?.command).toBe('CONNECTED');
    const guest = await closedPool.client(kind, 'guest', 'guest');
    expect(guest.frames[0]?.command).toBe('CONNECTED');

    const minted = await stompjs();
    const elsewhere = guestIdentityFrom(minted.connected.headers)!;
    for (const headers of [
      [],
      [['login', 'zoe']],
      [
        ['login', 'zoe'],
        ['passcode', 'a claim'],
      ],
      [
        ['login', elsewhere.login],
        ['passcode', elsewhere.passcode],
      ],
      [
        ['login', 'alice'],
        ['passcode', 'bob'],
      ],
    ] as Array<Array<[string, string]>>) {
      const probe = await closedPool.probe(kind);
      probe.send({
        command: 'CONNECT',
        headers: [['accept-version', '1.2'], ['host', 'localhost'], ...headers],
      });
      await expectSessionError(probe, kind, AUTH_FAILED);
    }
  });
});

function bodies(probe: StompProbe, subscription: string): string[] {
  return probe.frames
    .filter((frame) => frame.command === 'MESSAGE' && header(frame, 'subscription') === subscription)
    .map((frame) => new TextDecoder().decode(frame.body));
}

/** A frame's headers and body as Latin-1: a secret (ASCII) shows up in it wherever its bytes are. */
function asLatin1(frame: Frame): string {
  const headers = frame.headers.map(([name, value]) => `${name}:${value}`).join('\n');
  return `${headers}\n${String.fromCharCode(...frame.body)}`;
}

async function waitForEvent<T extends GameEvent['type']>(
  probe: StompProbe,
  type: T,
): Promise<Extract<GameEvent, { type: T }>> {
  const find = () =>
    bodies(probe, 'events')
      .map((body) => JSON.parse(body) as GameEvent)
      .find((event) => event.type === type);
  await probe.waitFor(() => find() !== undefined, 5_000, `a ${type} event`);
  return find() as Extract<GameEvent, { type: T }>;
}
