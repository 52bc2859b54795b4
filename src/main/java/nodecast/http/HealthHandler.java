package nodecast.http;

import io.undertow.server.HttpHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Channels;
import nodecast.log.ChannelName;
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

    /** Ready once the default channel has synced: the channel every instance takes up at start. */
    public static HttpHandler ready(MessageStore store, Channels channels) {
        return exchange -> {
            Broadcaster broadcaster = channels.broadcaster(ChannelName.DEFAULT);
            String problem = store.problem();
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("log", store.describe());
            if (problem != null) {
                state.put("problem", problem);
            }
            state.put("synced", broadcaster.logId() != null);
            state.put("shuttingDown", channels.isClosing());
            boolean ready = problem == null && broadcaster.logId() != null && !channels.isClosing();
            state.put("ready", ready);
            Replies.json(exchange, ready ? 200 : 503, state);
        };
    }
}
