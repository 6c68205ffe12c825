import type { FastifyInstance } from 'fastify';

/**
 * The security headers of the pages a browser loads from the API (the statistics dashboard, the
 * workspace), set on every answer of the plugin scope `app`: the page's own CSP, no MIME sniffing,
 * no referrer, no framing, a window of its own.
 */
export function addPageSecurityHeaders(app: FastifyInstance, csp: string) {
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
  });
}
