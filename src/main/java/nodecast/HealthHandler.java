package nodecast;

import io.undertow.server.HttpHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /healthz}: the process answers (liveness). {@code GET /readyz}: it can serve viewers
 * and publishers now (readiness): the log is reachable, the broadcaster has synced with it, and
 * the server is not shutting down. A load balancer sends traffic only to ready instances.
 */
final class HealthHandler {
    private HealthHandler() {
    }

    static HttpHandler live() {
        return exchange -> Replies.json(exchange, 200, Map.of("live", true));
    }

    static HttpHandler ready(MessageLog log, Broadcaster broadcaster, BooleanSupplier closing) {
        return exchange -> {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("log", log.describe());
            state.put("logReachable", log.isAvailable());
            state.put("synced", broadcaster.logId() != null);
            state.put("shuttingDown", closing.getAsBoolean());
            boolean ready = log.isAvailable() && broadcaster.logId() != null && !closing.getAsBoolean();
            state.put("ready", ready);
            Replies.json(exchange, ready ? 200 : 503, state);
        };
    }
}
