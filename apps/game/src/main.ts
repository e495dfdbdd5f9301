import { webSocketUrl } from '@stomping-ground/protocol';
/**
 * The game page: wires the connection, the game client, the scene and the panels together.
 *
 * Query parameters: `room` (join that room), `spectate` (watch instead of play), `name`, and the
 * netcode settings of `settingsFromQuery` (`latency`, `jitter`, `prediction`, `format`, …).
 */
import '@stomping-ground/inspector/inspector.css';
import './style.css';
import { browserStorage, StompConnection } from '@stomping-ground/client';
import { createFrameInspector } from '@stomping-ground/inspector';
import { GameClient, type Intent } from './game/game-client';
import { KeyboardInput } from './game/keyboard';
import { Mode } from './game/mode';
import { createTouchControls, eitherKeys } from './game/touch-input';
import { guestName, isValidName, loadSeat, saveSeat, setGuestName } from './net/identity';
import { RateMeter } from './net/rate-meter';
import { SimulatedSocket } from './net/simulated-socket';
import { settingsFromQuery } from './netcode/settings';
import { createArenaGame, rendererName } from './scene/arena-scene';
import { detectRenderer } from './scene/renderer';
import { byTestId } from './ui/dom';
import { createLeaderboard } from './ui/leaderboard';
import { createNetStats } from './ui/net-stats';
import { createNetcodePanel } from './ui/netcode-panel';
import { createPlayersList } from './ui/players-list';
import { createStatusBar } from './ui/status-bar';
import { installTestHooks } from './ui/test-hooks';

const params = new URLSearchParams(location.search);
const requestedName = params.get('name');
if (requestedName !== null && isValidName(requestedName)) setGuestName(requestedName);
let name = guestName();
const requestedRoom = params.get('room') ?? undefined;
const spectating = params.has('spectate') && params.get('spectate') !== '0';

// ── Panels ────────────────────────────────────────────────────────────────────────────────────────
const statusBar = createStatusBar();
statusBar.name(name);
statusBar.seat(undefined, undefined, Mode.NONE);
const netStats = createNetStats(byTestId('net-stats'));
const playersList = createPlayersList(byTestId('players'));
const leaderboard = createLeaderboard(byTestId('leaderboard'));
const ownPosition = byTestId('own-position');
const form = byTestId<HTMLFormElement>('join-form');
const nameInput = byTestId<HTMLInputElement>('name-input');
const roomInput = byTestId<HTMLInputElement>('room-input');
const inspector = createFrameInspector(document.getElementById('inspector-panel')!, {
  title: 'STOMP frames',
});

// ── Game client and connection ────────────────────────────────────────────────────────────────────
const keyboard = new KeyboardInput(window);
const touch = createTouchControls(byTestId('touch-slot'));
const meters = { in: new RateMeter(), out: new RateMeter() };

// A stored seat is for this tab's last room; asking for another room (or to watch) supersedes it.
let storedSeat = loadSeat();
if (storedSeat && (spectating || (requestedRoom !== undefined && requestedRoom !== storedSeat.roomId))) {
  saveSeat(undefined);
  storedSeat = undefined;
}
const initial: Intent = { mode: spectating ? Mode.SPECTATING : Mode.PLAYING, roomId: requestedRoom };

const game: GameClient = new GameClient({
  name: () => name,
  keys: () => eitherKeys(keyboard.sample(), touch.sample()),
  settings: () => panel.settings,
  storedSeat,
  initial,
  events: {
    onSeat: (seat) => {
      statusBar.seat(seat.roomId, seat.playerId, seat.mode);
      if (seat.roomId) roomInput.placeholder = seat.roomId;
    },
    onMessage: (text) => statusBar.message(text),
    onSnapshotSizes: (binary, json) => panel.showSnapshotSizes(binary, json),
  },
});

// A change of snapshot format swaps the subscription; everything else is read as it is used.
const panel = createNetcodePanel(byTestId('netcode-controls'), settingsFromQuery(location.search), () =>
  game.syncSubscription(),
);

const connection = new StompConnection({
  url: webSocketUrl(location),
  identityStorage: browserStorage(),
  inspector,
  // Retries from half a second, doubling up to 8 s: a player wants back in quickly.
  backoff: { initialMs: 500, maxMs: 8_000, factor: 2 },
  connectionTimeoutMs: 8_000,
  // The latency simulator sits between the real socket (which the inspector and the meters watch)
  // and stompjs, so the game feels the simulated delay while the inspector shows the real timing.
  wrapSocket: (socket) => new SimulatedSocket(socket, () => panel.settings, meters),
  onStatus: (status) => statusBar.connection(status),
  // The session id is on the game service's answers, so two tabs under one login tell theirs apart.
  onConnected: (status) => game.connected(connection.client, status.session),
  onDisconnected: () => game.disconnected(),
});

// ── Join form ─────────────────────────────────────────────────────────────────────────────────────
nameInput.value = name;
roomInput.value = requestedRoom ?? '';
nameInput.addEventListener('change', () => {
  const typed = nameInput.value.trim();
  if (!isValidName(typed)) {
    statusBar.message('a name is 1 to 24 letters, digits, ".", "-" or "_"');
    nameInput.value = name;
    return;
  }
  // The display name applies from the next join; the STOMP login is the guest the broker minted.
  name = typed;
  setGuestName(typed);
  statusBar.name(typed);
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  game.play(roomInput.value.trim());
});
byTestId('spectate-button').addEventListener('click', () => game.spectate(roomInput.value.trim()));
byTestId('leave-button').addEventListener('click', () => game.leave());
byTestId('drop-button').addEventListener('click', () => connection.drop());

// ── Scene ─────────────────────────────────────────────────────────────────────────────────────────
const arena = byTestId('arena');
const renderer = detectRenderer();
const phaser = createArenaGame(
  arena,
  (now) => {
    const view = game.frame(now);
    playersList.update(view.players, now);
    leaderboard.update(view.players, now);
    const own = view.players.find((player) => player.own);
    ownPosition.dataset.x = own ? own.x.toFixed(1) : '';
    ownPosition.dataset.y = own ? own.y.toFixed(1) : '';
    if (arena.dataset.renderer === undefined) {
      arena.dataset.renderer = rendererName(phaser);
      arena.title = `${rendererName(phaser)} on ${renderer.name ?? 'an unknown GPU'}${renderer.software ? ' (software: 30 fps)' : ''}`;
    }
    return view;
  },
  renderer,
);

// ── Net stats, a few times a second ──────────────────────────────────────────────────────────────
setInterval(() => {
  // The status counts down to the next attempt while reconnecting.
  statusBar.connection(connection.currentStatus);
  const now = performance.now();
  const incoming = meters.in.rate(now);
  const outgoing = meters.out.rate(now);
  netStats.update({
    ...game.stats(now),
    inBytesPerSecond: incoming.bytes,
    inMessagesPerSecond: incoming.messages,
    outBytesPerSecond: outgoing.bytes,
    outMessagesPerSecond: outgoing.messages,
  });
}, 250);

installTestHooks({ connection, game, phaser });
connection.start();
