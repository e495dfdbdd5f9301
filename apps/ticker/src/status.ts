/**
 * The status bar: who this page is, the connection's state, heart-beat health (time since the last
 * byte in, against the interval the broker promised) and reconnect attempts. Buttons to reconnect
 * at once, to drop the connection on purpose (to watch the page recover), and to change the login.
 */
import { ConnectionState, type ConnectionStatus, formatWait, RefusalReason } from '@stomping-ground/client';
import { h, lessonLink, setText } from './dom';
import { heartbeatHealth } from './heartbeat-health';
import { normalizeLogin } from './login';

export interface StatusBarOptions {
  /** The connection's status now; read on every redraw, as the silence since the last byte grows. */
  readonly status: () => ConnectionStatus;
  readonly onLogin: (login: string, passcode: string | undefined) => void;
  readonly onReconnectNow: () => void;
  readonly onDrop: () => void;
}

export interface StatusBar {
  /** Redraws at once (the bar also redraws by itself a few times a second). */
  refresh(): void;
}

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  connected: 'connected',
  reconnecting: 'reconnecting',
  refused: 'refused',
  stopped: 'disconnected',
};

const STATE_SYMBOL: Record<ConnectionState, string> = {
  connecting: '◌',
  connected: '●',
  reconnecting: '◌',
  refused: '○',
  stopped: '○',
};

export function createStatusBar(container: HTMLElement, options: StatusBarOptions): StatusBar {
  const state = h('span', {
    class: 'pill',
    'data-testid': 'connection-status',
    'data-state': 'stopped',
    role: 'status',
  });
  const heartbeat = h('span', {
    class: 'heartbeat',
    'data-testid': 'heartbeat-health',
    'data-health': 'off',
  });
  const attempts = h('span', { class: 'attempts muted', 'data-testid': 'reconnect-attempts' });
  const error = h('span', { class: 'connection-error', 'data-testid': 'connection-error', role: 'alert' });
  const reconnectNow = h(
    'button',
    { type: 'button', class: 'secondary small', 'data-testid': 'reconnect-now' },
    'Reconnect now',
  );
  const drop = h(
    'button',
    {
      type: 'button',
      class: 'secondary small',
      'data-testid': 'drop-connection',
      title: 'Close the WebSocket without DISCONNECT, as a network failure would, and watch the page recover',
    },
    'Drop connection',
  );
  const nameInput = h('input', {
    id: 'login-name',
    name: 'login',
    autocomplete: 'username',
    spellcheck: 'false',
    maxlength: 64,
    'data-testid': 'login-name',
  });
  const passcodeInput = h('input', {
    id: 'login-passcode',
    name: 'passcode',
    type: 'password',
    autocomplete: 'current-password',
    placeholder: 'passcode',
    title: 'A free name is claimed with the passcode you give; demo users: guest, alice, bob',
    'data-testid': 'login-passcode',
  });
  const loginError = h('span', { class: 'form-error', role: 'alert', 'data-testid': 'login-error' });
  const apply = h(
    'button',
    { type: 'submit', class: 'secondary small', 'data-testid': 'login-apply' },
    'Join',
  );
  const loginForm = h(
    'form',
    { class: 'login', 'aria-label': 'Trade as' },
    h('label', { for: 'login-name' }, 'Trading as'),
    nameInput,
    h('label', { for: 'login-passcode', class: 'visually-hidden' }, 'Passcode'),
    passcodeInput,
    apply,
    loginError,
  );

  container.append(
    h(
      'h1',
      { class: 'brand' },
      h('a', { href: '/' }, 'Stomping Ground'),
      h('span', { class: 'muted' }, ' · ticker'),
    ),
    h(
      'div',
      { class: 'connection' },
      state,
      heartbeat,
      lessonLink('heart-beating.html', 'heart-beating'),
      attempts,
      reconnectNow,
      drop,
      error,
    ),
    loginForm,
  );

  loginForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const login = normalizeLogin(nameInput.value);
    if (login === undefined) {
      setText(loginError, 'A login is 1–64 letters, digits, dots, dashes, underscores or @.');
      return;
    }
    setText(loginError, '');
    options.onLogin(login, passcodeInput.value || undefined);
    passcodeInput.value = '';
  });
  reconnectNow.addEventListener('click', options.onReconnectNow);
  drop.addEventListener('click', options.onDrop);

  let shownLogin = '';

  function draw(): void {
    const status = options.status();
    const now = Date.now();
    state.dataset.state = status.state;
    let text = `${STATE_SYMBOL[status.state]} ${STATE_TEXT[status.state]}`;
    if (status.state === ConnectionState.CONNECTED && status.version) text += ` · STOMP ${status.version}`;
    if (status.state === ConnectionState.RECONNECTING && status.nextAttemptAt !== undefined) {
      text += ` in ${formatWait(Math.max(0, status.nextAttemptAt - now))}`;
    }
    setText(state, text);

    const connected = status.state === ConnectionState.CONNECTED;
    const silence = status.lastReceivedAt === undefined ? 0 : now - status.lastReceivedAt;
    const health = connected ? heartbeatHealth(silence, status.expectEvery) : 'off';
    heartbeat.dataset.health = health;
    setText(
      heartbeat,
      connected
        ? `♥ last in ${formatWait(silence)} ago${status.expectEvery ? ` · beats every ${status.expectEvery / 1000} s` : ''}${health === 'late' ? ' · late!' : ''}`
        : '♥ —',
    );
    heartbeat.title = 'Time since the last byte from the broker (a frame or a heart-beat)';
    setText(
      attempts,
      `reconnects ${status.reconnects}${status.failedAttempts > 0 ? ` · failed attempts ${status.failedAttempts}` : ''}`,
    );
    setText(error, errorText(status));
    reconnectNow.hidden = connected || status.state === ConnectionState.CONNECTING;
    drop.hidden = !connected;
    // Only when the login itself changed: never over what the user is typing.
    if (status.login !== shownLogin) {
      shownLogin = status.login;
      nameInput.value = status.login;
    }
  }

  // The silence grows between frames: redraw a few times a second.
  setInterval(draw, 250);

  return { refresh: draw };
}

/** The last ERROR, and after a refusal what the visitor can do about it. */
function errorText(status: ConnectionStatus): string {
  if (status.refusal?.reason === RefusalReason.ACCOUNTS_ONLY) {
    return `${status.refusal.error}: this server admits its accounts only; log in with yours`;
  }
  return status.refusal?.error ?? status.error ?? '';
}
