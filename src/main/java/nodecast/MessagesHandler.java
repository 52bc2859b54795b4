package nodecast;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.time.Duration;
import java.util.Map;

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
            Replies.json(exchange, 409, Map.of(
                    "error", "the log you were following is gone (cleared store or restarted server); start again from id 0",
                    "log", currentLog));
            return;
        }
        if (waitTimeout == null) {
            ParkedRequest.answerNow(exchange, broadcaster, query.id());
        } else {
            ParkedRequest.park(exchange, broadcaster, query.id(), waitTimeout);
        }
    }
}
