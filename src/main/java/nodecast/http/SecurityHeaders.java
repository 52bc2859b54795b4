package nodecast.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;

/**
 * Headers every response carries, chosen when the response is committed, by what it is. A page
 * (HTML) runs no inline script and loads nothing from other sites, so its policy forbids both; a
 * message can only ever be shown as text. Anything else (JSON, scripts, styles, streams) is never
 * rendered as a page: it needs only to be taken for what it says it is ({@code nosniff}) and never
 * framed, and a long policy on each of the many long-poll answers would cost bytes and time for
 * nothing. (Which endpoints another origin may read is the route table's to say: see {@link Cors}.)
 */
public final class SecurityHeaders {
    private static final String PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
    private static final String OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'";
    private static final HttpString CONTENT_SECURITY_POLICY = new HttpString("Content-Security-Policy");
    private static final HttpString REFERRER_POLICY = new HttpString("Referrer-Policy");

    private SecurityHeaders() {
    }

    public static HttpHandler around(HttpHandler next) {
        return exchange -> {
            exchange.addResponseCommitListener(SecurityHeaders::add);
            next.handleRequest(exchange);
        };
    }

    private static void add(HttpServerExchange exchange) {
        String type = exchange.getResponseHeaders().getFirst(Headers.CONTENT_TYPE);
        exchange.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
        if (type != null && type.startsWith("text/html")) {
            exchange.getResponseHeaders()
                    .put(CONTENT_SECURITY_POLICY, PAGE_POLICY)
                    .put(Headers.X_FRAME_OPTIONS, "DENY")
                    // The publisher URL may carry the key: never send it on to another site.
                    .put(REFERRER_POLICY, "no-referrer");
        } else {
            exchange.getResponseHeaders().put(CONTENT_SECURITY_POLICY, OTHER_POLICY);
        }
    }
}
