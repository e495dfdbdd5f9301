/**
 * What the server logs about HTTP requests. Fastify's default logs every request twice at info
 * ("incoming request", "request completed"), which at a page's dozens of assets and a load
 * balancer's health checks buries everything else. Here a request that went well, and a path
 * that does not exist, are logged at debug (`LOG_LEVEL=debug` shows them); a refusal (a 4xx other
 * than 404, such as a WebSocket upgrade from a foreign Origin) at info, a failure (5xx) at warn,
 * and errors exactly as Fastify logs them (error for 5xx), whatever the level.
 */
import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

export class AccessLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const entry = {
      req: { method: request.method, url: request.url },
      res: reply,
      responseTime: reply.elapsedTime,
    };
    const status = reply.statusCode;
    if (error) reply.log.error({ ...entry, err: error }, 'request errored');
    else if (status >= 500) reply.log.warn(entry, 'request failed');
    else if (status >= 400 && status !== 404) reply.log.info(entry, 'request refused');
    else reply.log.debug(entry, 'request completed');
  }

  override routeNotFound(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug(`Route ${request.method}:${request.url} not found`);
  }
}
