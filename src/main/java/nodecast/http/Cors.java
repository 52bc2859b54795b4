package nodecast.http;

import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * Lets one other origin read what an endpoint answers (and the {@code X-Nodecast-Log} header):
 * for the viewers' endpoints only, named in the route table. Publishing is never cross-origin.
 */
public final class Cors {
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");

    private Cors() {
    }

    /** {@code origin}: the one other origin allowed, or null for none (then {@code next} is returned as it is). */
    public static HttpHandler readableFrom(String origin, HttpHandler next) {
        if (origin == null) {
            return next;
        }
        return exchange -> {
            if (origin.equals(exchange.getRequestHeaders().getFirst(Headers.ORIGIN))) {
                exchange.getResponseHeaders()
                        .put(ALLOW_ORIGIN, origin)
                        .put(EXPOSE_HEADERS, Replies.LOG_HEADER.toString());
            }
            // Whether the header is sent depends on Origin, so caches must key on it.
            exchange.getResponseHeaders().put(Headers.VARY, "Origin");
            next.handleRequest(exchange);
        };
    }
}
