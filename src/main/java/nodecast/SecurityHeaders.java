package nodecast;

import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/**
 * Headers every response carries. The pages run no inline script and load nothing from other
 * sites, so the policy forbids both; a message can only ever be shown as text. Cross-origin
 * reads of {@code /wait} and {@code /since} are allowed for one configured origin at most.
 */
final class SecurityHeaders {
    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    private static final HttpString CONTENT_SECURITY_POLICY = new HttpString("Content-Security-Policy");
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");
    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");

    private SecurityHeaders() {
    }

    /** {@code corsOrigin}: the one other origin allowed to read messages, or null for none. */
    static HttpHandler around(HttpHandler next, String corsOrigin) {
        return exchange -> {
            exchange.getResponseHeaders()
                    .put(CONTENT_SECURITY_POLICY, POLICY)
                    .put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff")
                    .put(Headers.X_FRAME_OPTIONS, "DENY")
                    // The publisher URL may carry the key: never send it on to another site.
                    .put(REFERRER_POLICY, "no-referrer");
            String path = exchange.getRequestPath();
            if (corsOrigin != null && Methods.GET.equals(exchange.getRequestMethod())
                    && (path.equals("/wait") || path.equals("/since"))
                    && corsOrigin.equals(exchange.getRequestHeaders().getFirst(Headers.ORIGIN))) {
                exchange.getResponseHeaders()
                        .put(ALLOW_ORIGIN, corsOrigin)
                        .put(EXPOSE_HEADERS, Replies.LOG_HEADER.toString())
                        .put(Headers.VARY, "Origin");
            }
            next.handleRequest(exchange);
        };
    }
}
