package nodecast;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;

/** {@code GET /wait} (answers or parks) and {@code GET /since} (answers at once). */
final class MessagesHandler implements HttpHandler {
    private final Broadcaster broadcaster;
    /** Null for {@code /since}. */
    private final Duration waitTimeout;

    private MessagesHandler(Broadcaster broadcaster, Duration waitTimeout) {
        this.broadcaster = broadcaster;
        this.waitTimeout = waitTimeout;
    }

    static MessagesHandler waiting(Broadcaster broadcaster, Duration timeout) {
        return new MessagesHandler(broadcaster, timeout);
    }

    static MessagesHandler immediate(Broadcaster broadcaster) {
        return new MessagesHandler(broadcaster, null);
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
            Replies.logGone(exchange, currentLog);
            return;
        }
        if (waitTimeout == null) {
            ParkedRequest.answerNow(exchange, broadcaster, query);
        } else {
            ParkedRequest.park(exchange, broadcaster, query, waitTimeout);
        }
    }
}
