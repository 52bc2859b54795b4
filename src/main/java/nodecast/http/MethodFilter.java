package nodecast.http;

import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.Set;

/**
 * Lets one HTTP method through to an endpoint and answers any other with 405 and the Allow
 * header. Method names are compared exactly: HTTP makes them case-sensitive, and Undertow's own
 * comparison is not, so "post" would otherwise publish.
 */
public final class MethodFilter {
    /** Every method nodecast serves anywhere; the rest are refused before any handler sees them. */
    private static final Set<String> SERVED = Set.of("GET", "HEAD", "POST");

    private MethodFilter() {
    }

    /** Refuses, at the root of the chain, any method nodecast serves nowhere (405 rather than a handler's 501). */
    public static HttpHandler servedOnly(HttpHandler next) {
        return exchange -> {
            if (SERVED.contains(exchange.getRequestMethod().toString())) {
                next.handleRequest(exchange);
            } else {
                exchange.getResponseHeaders().put(Headers.ALLOW, "GET, HEAD, POST");
                Replies.error(exchange, 405, "the method " + exchange.getRequestMethod() + " is not supported");
            }
        };
    }

    public static HttpHandler get(HttpHandler next) {
        return only(Methods.GET, next);
    }

    /** GET, or HEAD (Undertow sends a HEAD answer's headers without its body): for pages, as static files are. */
    public static HttpHandler getOrHead(HttpHandler next) {
        HttpHandler get = get(next);
        return exchange -> {
            if (exchange.getRequestMethod().toString().equals(Methods.HEAD_STRING)) {
                next.handleRequest(exchange);
            } else {
                get.handleRequest(exchange);
            }
        };
    }

    public static HttpHandler post(HttpHandler next) {
        return only(Methods.POST, next);
    }

    private static HttpHandler only(HttpString method, HttpHandler next) {
        return exchange -> {
            if (exchange.getRequestMethod().toString().equals(method.toString())) {
                next.handleRequest(exchange);
            } else {
                exchange.getResponseHeaders().put(Headers.ALLOW, method.toString());
                Replies.error(exchange, 405, "use " + method + " for " + exchange.getRequestPath());
            }
        };
    }
}
