/**
 * The netcode lab's model: the link keeps order whatever the jitter, prediction moves a client at
 * once, reconciliation lands where the server is, and without prediction a client waits a round trip.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, LatencyLink, NetcodeWorld } from '../.vitepress/theme/labs/netcode-model';

/** Runs the world from `from` to `to` ms in 1000/60 ms frames, as requestAnimationFrame would. */
function run(world: NetcodeWorld, from: number, to: number): number {
  let now = from;
  while (now < to) {
    now += 1000 / 60;
    world.advance(now);
  }
  return now;
}

describe('LatencyLink', () => {
  it('delivers after the lag, and never a message before an earlier one, whatever the jitter', () => {
    const randoms = [0.9, 0, 0.5, 0];
    const link = new LatencyLink<number>(
      { ...DEFAULT_SETTINGS, lagMs: 100, jitterMs: 50 },
      () => randoms.shift() ?? 0,
    );
    for (let message = 1; message <= 4; message++) link.send(message, message);
    expect(link.receive(100)).toEqual([]);
    // The first is due at 1 + 100 + 45 = 146: the others, due earlier, wait behind it.
    expect(link.receive(145)).toEqual([]);
    expect(link.receive(146)).toEqual([1, 2, 3, 4]);
  });
});

describe('NetcodeWorld', () => {
  it('moves a predicting client at once, and the server a round trip later', () => {
    const world = new NetcodeWorld({ ...DEFAULT_SETTINGS, lagMs: 200, jitterMs: 0 });
    let now = run(world, 0, 100);
    const [client] = world.clients;
    const startX = client.self!.x;
    const serverStart = world.server.state.players.find((player) => player.id === 1)!.x;
    client.keys.right = true;
    now = run(world, now, now + 100);
    expect(client.self!.x).toBeGreaterThan(startX);
    expect(world.server.state.players.find((player) => player.id === 1)!.x).toBe(serverStart);
    run(world, now, now + 400);
    expect(world.server.state.players.find((player) => player.id === 1)!.x).toBeGreaterThan(serverStart);
  });

  it('without prediction, the client moves only when the server says so', () => {
    const world = new NetcodeWorld({ ...DEFAULT_SETTINGS, prediction: false, lagMs: 200, jitterMs: 0 });
    let now = run(world, 0, 100);
    const [client] = world.clients;
    const startX = client.self!.x;
    client.keys.right = true;
    now = run(world, now, now + 300);
    expect(client.self!.x).toBe(startX);
    run(world, now, now + 600);
    expect(client.self!.x).toBeGreaterThan(startX);
  });

  it('with reconciliation, the client ends where the server does once the keys are let go', () => {
    const world = new NetcodeWorld({ ...DEFAULT_SETTINGS, lagMs: 150, jitterMs: 40, updatesPerSecond: 10 });
    const [client] = world.clients;
    let now = run(world, 0, 100);
    client.keys.right = true;
    client.keys.down = true;
    now = run(world, now, now + 700);
    client.keys.right = false;
    client.keys.down = false;
    run(world, now, now + 3000);
    const server = world.server.state.players.find((player) => player.id === 1)!;
    // Inputs are sent every tick, so some are always in flight: idle ones, replayed on the server's state.
    expect(client.pending.every((input) => !input.right && !input.down)).toBe(true);
    expect(client.self!.x).toBe(server.x);
    expect(client.self!.y).toBe(server.y);
  });
});
