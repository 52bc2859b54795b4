package nodecast;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.time.Duration;

/** {@code GET /wait} (answers or parks) and {@code GET /since} (answers at once). */
final class MessagesHandler implements HttpHandler {
    private final Broadcaster broadcaster;
    private final Metrics metrics;
    /** Null for {@code /since}. */
    private final Duration waitTimeout;
    private final int maxWaiters;

    private MessagesHandler(Broadcaster broadcaster, Metrics metrics, Duration waitTimeout, int maxWaiters) {
        this.broadcaster = broadcaster;
        this.metrics = metrics;
        this.waitTimeout = waitTimeout;
        this.maxWaiters = maxWaiters;
    }

    static MessagesHandler waiting(Broadcaster broadcaster, Metrics metrics, Duration timeout, int maxWaiters) {
        return new MessagesHandler(broadcaster, metrics, timeout, maxWaiters);
    }

    static MessagesHandler immediate(Broadcaster broadcaster, Metrics metrics) {
        return new MessagesHandler(broadcaster, metrics, null, 0);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        MessageQuery query;
        try {
            query = MessageQuery.of(exchange);
        } catch (IllegalArgumentException e) {
            Replies.error(exchange, 400, e.getMessage());
            return;
        }
        String currentLog = broadcaster.logId();
        if (currentLog != null && !query.follows(currentLog)) {
            metrics.logGone();
            Replies.logGone(exchange, currentLog);
            return;
        }
        if (waitTimeout == null) {
            ParkedRequest.answerNow(exchange, broadcaster, query, metrics);
        } else if (broadcaster.parkedCount() >= maxWaiters) {
            // A bound, not a queue: the client's retry (the page backs off) finds room or another instance.
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            Replies.error(exchange, 503, "too many viewers are waiting on this server; try again shortly");
        } else {
            ParkedRequest.park(exchange, broadcaster, query, metrics, waitTimeout);
        }
    }
}
