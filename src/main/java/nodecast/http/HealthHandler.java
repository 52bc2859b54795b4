package nodecast.http;

import io.undertow.server.HttpHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import nodecast.fanout.Broadcaster;
import nodecast.log.MessageStore;

/**
 * {@code GET /healthz}: the process answers (liveness). {@code GET /readyz}: it can serve viewers
 * and publishers now (readiness): the log is reachable and this instance hears every change to it
 * (see {@link MessageStore#problem()}), the broadcaster has synced with it, and the server is not
 * shutting down. A load balancer sends traffic only to ready instances.
 */
public final class HealthHandler {
    private HealthHandler() {
    }

    public static HttpHandler live() {
        return exchange -> Replies.json(exchange, 200, Map.of("live", true));
    }

    public static HttpHandler ready(MessageStore store, Broadcaster broadcaster) {
        return exchange -> {
            String problem = store.problem();
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("log", store.describe());
            if (problem != null) {
                state.put("problem", problem);
            }
            state.put("synced", broadcaster.logId() != null);
            state.put("shuttingDown", broadcaster.isClosing());
            boolean ready = problem == null && broadcaster.logId() != null && !broadcaster.isClosing();
            state.put("ready", ready);
            Replies.json(exchange, ready ? 200 : 503, state);
        };
    }
}
