package nodecast;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;

/** {@code GET /since?id=N}: every message from id N on, at once (possibly none). */
final class SinceHandler implements HttpHandler {
    private final Broadcaster broadcaster;
    private final Metrics metrics;

    SinceHandler(Broadcaster broadcaster, Metrics metrics) {
        this.broadcaster = broadcaster;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        MessageQuery query = MessageQuery.readOrRefuse(exchange, broadcaster.logId(), metrics);
        if (query != null) {
            SinceRequest.answer(exchange, broadcaster, query, metrics);
        }
    }
}
