/**
 * Identities shared by a cluster's nodes through Redis:
 *
 * - `<prefix>:identity:claims`, a hash of claimed name → passcode hash (never the passcode), so a
 *   name claimed on one node is claimed on all of them, for as long as the Redis keeps it;
 * - `<prefix>:identity:secret`, the key guest passcodes are signed with when `IDENTITY_SECRET` is
 *   not configured: the first node to start makes it up (`SET NX`), the others read it.
 */
import { randomBytes } from 'node:crypto';
import type { ClaimOutcome, ClaimStore, SecretSource } from '../core/identities';
import type { ClusterNode } from './node';

/** Claim a name unless it is claimed (then return its record) or the hash is full: one atomic step. */
const CLAIM = `
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then return {'taken', existing} end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return {'full'} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return {'stored'}
`;

export class RedisClaimStore implements ClaimStore {
  private readonly key: string;

  constructor(
    private readonly node: ClusterNode,
    private readonly maxClaims: number,
  ) {
    this.key = node.key('identity', 'claims');
  }

  async find(name: string): Promise<string | undefined> {
    return (await this.node.redis.hget(this.key, name)) ?? undefined;
  }

  async claim(name: string, record: string): Promise<ClaimOutcome> {
    const [kind, existing] = (await this.node.redis.eval(
      CLAIM,
      1,
      this.key,
      name,
      record,
      this.maxClaims,
    )) as [string, string | undefined];
    if (kind === 'taken' && existing !== undefined) return { kind: 'taken', record: existing };
    return kind === 'stored' ? { kind: 'stored' } : { kind: 'full' };
  }
}

/** The cluster's guest-signing secret, made up by whichever node asks first. */
export function redisSharedSecret(node: ClusterNode): SecretSource {
  const key = node.key('identity', 'secret');
  return async () => {
    await node.redis.set(key, randomBytes(32).toString('base64url'), 'NX');
    const secret = await node.redis.get(key);
    if (secret === null) throw new Error('the identity secret is missing from Redis');
    return Buffer.from(secret, 'base64url');
  };
}
