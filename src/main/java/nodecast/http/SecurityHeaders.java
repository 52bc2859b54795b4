package nodecast.http;

import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * Headers every response carries. The pages run no inline script and load nothing from other
 * sites, so the policy forbids both; a message can only ever be shown as text. (Which endpoints
 * another origin may read is the route table's to say: see {@link Cors}.)
 */
public final class SecurityHeaders {
    private static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    private static final HttpString CONTENT_SECURITY_POLICY = new HttpString("Content-Security-Policy");
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");

    private SecurityHeaders() {
    }

    public static HttpHandler around(HttpHandler next) {
        return exchange -> {
            exchange.getResponseHeaders()
                    .put(CONTENT_SECURITY_POLICY, POLICY)
                    .put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff")
                    .put(Headers.X_FRAME_OPTIONS, "DENY")
                    // The publisher URL may carry the key: never send it on to another site.
                    .put(REFERRER_POLICY, "no-referrer");
            next.handleRequest(exchange);
        };
    }
}
