/** Reading the headers a command cannot do without. */
import { type Frame, getHeader } from '@stomping-ground/protocol';
import { BrokerError, BrokerErrorCode } from '../errors';

/** The header's value; throws `STOMP_ERR_MISSING_HEADER` when the frame lacks it. */
export function required(frame: Frame, name: string): string {
  const value = getHeader(frame.headers, name);
  if (value === undefined) {
    throw new BrokerError(BrokerErrorCode.MISSING_HEADER, `${frame.command} needs the ${name} header`);
  }
  return value;
}
