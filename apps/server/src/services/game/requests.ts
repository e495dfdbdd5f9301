/**
 * The JSON control messages a client sends (`JoinRequest`, `ResumeRequest`), checked against the
 * contract's schemas. A request that does not fit is answered with `rejected`, never with an
 * exception.
 */
import {
  type JoinRequest,
  JoinRequestSchema,
  type ResumeRequest,
  ResumeRequestSchema,
} from '@stomping-ground/contracts';
import * as v from 'valibot';

const textDecoder = new TextDecoder('utf-8', { fatal: true });
const MAX_REQUEST_BYTES = 1024;
export const MAX_NAME_LENGTH = 24;
const INPUT_DESTINATION = /^\/app\/game\/rooms\/([^/]+)\/input$/;

/** The reasons a request is refused with, wherever in a cluster it is refused. */
export const Refusal = {
  JOIN_SHAPE: 'a join request is JSON: {"name"?, "roomId"?, "spectate"?}',
  RESUME_SHAPE: 'a resume request is JSON: {"roomId", "resumeToken"}',
  NO_SEAT: 'no seat to resume: it was given up, or its grace period is over',
  NOT_IN_A_ROOM: 'not in a room',
  ALL_FULL: 'every room is full',
} as const;

/** The room id of an input destination (`/app/game/rooms/{id}/input`), or undefined. */
export function inputRoomId(destination: string): string | undefined {
  return INPUT_DESTINATION.exec(destination)?.[1];
}

/** The body as a JSON object (an empty one is `{}`), or undefined: too long, not JSON, or not an object. */
function parseObject(body: Uint8Array): object | undefined {
  if (body.length > MAX_REQUEST_BYTES) return undefined;
  let value: unknown;
  try {
    const text = textDecoder.decode(body).trim();
    value = text === '' ? {} : JSON.parse(text);
  } catch {
    return undefined;
  }
  // The schemas take an array for an object with no fields: a request is never one.
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/** A join request (an empty body is `{}`: play, anywhere, under the login), or undefined. */
export function parseJoinRequest(body: Uint8Array): JoinRequest | undefined {
  const result = v.safeParse(JoinRequestSchema, parseObject(body));
  return result.success ? result.output : undefined;
}

export function parseResumeRequest(body: Uint8Array): ResumeRequest | undefined {
  const result = v.safeParse(ResumeRequestSchema, parseObject(body));
  return result.success ? result.output : undefined;
}

/**
 * A name fit to show to everyone: control characters and runs of whitespace become one space, at
 * most `MAX_NAME_LENGTH` characters are kept; the fallback (the login) when nothing is left.
 */
export function displayName(requested: string | undefined, fallback: string): string {
  const name = requested === undefined ? '' : clean(requested);
  return name !== '' ? name : clean(fallback) || 'player';
}

function clean(text: string): string {
  let printable = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    printable += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? ' ' : char;
  }
  return [...printable.replace(/\s+/g, ' ').trim()].slice(0, MAX_NAME_LENGTH).join('');
}
