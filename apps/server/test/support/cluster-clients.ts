/** Raw STOMP clients on the nodes of a test cluster, closed together at the end of a test. */
import { type Frame, getHeader } from '@stomping-ground/protocol';
import { StompProbe } from './probe';
import { connect, within } from './raw';

export class ClusterClients {
  private readonly open: StompProbe[] = [];

  /** A probe logged in as `login` on the node at `wsUrl`. */
  async client(wsUrl: string, login = 'guest', passcode = login): Promise<StompProbe> {
    const probe = await StompProbe.ws(wsUrl);
    this.open.push(probe);
    await connect(probe, login, passcode);
    return probe;
  }

  async closeAll(): Promise<void> {
    const probes = this.open.splice(0);
    for (const probe of probes) probe.close();
    await Promise.allSettled(probes.map((probe) => within(probe.closed, 5_000, 'a probe to close')));
  }
}

/** The MESSAGE frames a probe has received so far, optionally only those for `destination`. */
export function messagesOf(probe: StompProbe, destination?: string): Frame[] {
  return probe.frames.filter(
    (frame) =>
      frame.command === 'MESSAGE' &&
      (destination === undefined || getHeader(frame.headers, 'destination') === destination),
  );
}
