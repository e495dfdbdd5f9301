/** The game's configuration and its plugin: defaults, refusals, and switching it off. */

import { BrokerErrorCode, CloseCode } from '@stomping-ground/broker';
import { GameDestination } from '@stomping-ground/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { ConfigError, loadConfig } from '../../src/config';
import { arenaFor } from '../../src/services/game/options';
import { type RunningServer, startServer, testConfig } from '../support/app';
import { expectSessionError, ProbePool } from '../support/raw';
import { GamePeer } from './game-peer';

let server: RunningServer | undefined;
const pool = new ProbePool(() => server!);

afterEach(async () => {
  await pool.closeAll();
  await server?.close();
  server = undefined;
});

describe('game configuration', () => {
  it('defaults to rooms of 8 people, bots up to 4 players, seats held 15 s, at most 100 rooms', () => {
    expect(loadConfig({}).game).toEqual({
      enabled: true,
      roomCapacity: 8,
      minPlayers: 4,
      resumeGraceMs: 15_000,
      maxRooms: 100,
    });
  });

  it('reads every GAME_ variable', () => {
    const config = loadConfig({
      GAME_ENABLED: 'false',
      GAME_ROOM_CAPACITY: '12',
      GAME_MIN_PLAYERS: '0',
      GAME_RESUME_GRACE_MS: '500',
      GAME_MAX_ROOMS: '3',
    });
    expect(config.game).toEqual({
      enabled: false,
      roomCapacity: 12,
      minPlayers: 0,
      resumeGraceMs: 500,
      maxRooms: 3,
    });
  });

  it.each([
    ['GAME_ROOM_CAPACITY', '0'],
    ['GAME_MIN_PLAYERS', '-1'],
    ['GAME_RESUME_GRACE_MS', 'soon'],
    ['GAME_MAX_ROOMS', '0'],
    ['GAME_ENABLED', 'maybe'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('gives a big room a bigger arena, within what the wire format can address', () => {
    expect(arenaFor(8)).toEqual({ width: 1600, height: 1000, orbCount: 24 });
    const big = arenaFor(100);
    expect(big.width).toBeGreaterThan(3000);
    expect(big.width).toBeLessThanOrEqual(4095);
    expect(big.orbCount).toBe(200);
  });
});

describe('the game plugin', () => {
  it('is app.game, and answers on /app/game/join once the server is ready', async () => {
    server = await startServer();
    expect(server.app.game).not.toBeNull();
    expect(server.app.hasPlugin('game')).toBe(true);
    const peer = await GamePeer.open(server);
    expect(await peer.join()).toMatchObject({ type: 'joined', roomId: 'r1' });
    await peer.close();
  });

  it('is null when GAME_ENABLED=false, and nothing handles /app/game/…', async () => {
    server = await startServer({ game: { ...testConfig().game, enabled: false } });
    expect(server.app.game).toBeNull();
    const probe = await pool.client('ws');
    probe.send({ command: 'SEND', headers: [['destination', GameDestination.join]], body: '{}' });
    await expectSessionError(probe, 'ws', {
      code: BrokerErrorCode.NO_HANDLER,
      close: CloseCode.POLICY_VIOLATION,
    });
  });

  it('refuses to start with game options out of range', async () => {
    await expect(
      buildApp(testConfig({ game: { ...testConfig().game, roomCapacity: 0 } }), { logger: false }),
    ).rejects.toThrow(RangeError);
  });
});
