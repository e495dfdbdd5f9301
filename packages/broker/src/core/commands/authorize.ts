/** Which destinations a client may use: checked on every SEND and SUBSCRIBE. */
import { printable } from '@stomping-ground/protocol';
import { type Destination, type DestinationRule, findRule, parseDestination } from '../destinations';
import { BrokerError, BrokerErrorCode } from '../errors';

/**
 * Checks a client's SEND or SUBSCRIBE against the destination rules: the first rule whose prefix
 * matches decides, and a destination no rule matches is refused.
 */
export function authorize(
  rules: readonly DestinationRule[],
  name: string,
  action: 'send' | 'subscribe',
): { destination: Destination; rule: DestinationRule } {
  const destination = parseDestination(name);
  if (destination === undefined) {
    throw new BrokerError(BrokerErrorCode.INVALID_DESTINATION, `no such destination "${printable(name)}"`, {
      detail: `destinations start with /topic/, /queue/, /user/queue/ or /app/, followed by a name without control characters; got "${printable(name)}"`,
    });
  }
  const rule = findRule(rules, name);
  if (rule === undefined || !(action === 'send' ? rule.clientSend : rule.clientSubscribe)) {
    throw new BrokerError(
      BrokerErrorCode.FORBIDDEN,
      `clients may not ${action === 'send' ? 'send to' : 'subscribe to'} ${name}`,
    );
  }
  return { destination, rule };
}
