package nodecast;

import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;

/** Lets one HTTP method through to an endpoint and answers any other with 405 and the Allow header. */
final class MethodFilter {
    private MethodFilter() {
    }

    static HttpHandler get(HttpHandler next) {
        return only(Methods.GET, next);
    }

    static HttpHandler post(HttpHandler next) {
        return only(Methods.POST, next);
    }

    private static HttpHandler only(HttpString method, HttpHandler next) {
        return exchange -> {
            if (exchange.getRequestMethod().equals(method)) {
                next.handleRequest(exchange);
            } else {
                exchange.getResponseHeaders().put(Headers.ALLOW, method.toString());
                Replies.error(exchange, 405, "use " + method + " for " + exchange.getRequestPath());
            }
        };
    }
}
