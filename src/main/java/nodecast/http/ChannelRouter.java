package nodecast.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Map;
import nodecast.log.ChannelName;

/**
 * {@code /c/NAME/ENDPOINT}: the channel's name is checked (a bad one is a 400 with the reason, on
 * every endpoint) and attached to the request, then the endpoint runs as it does unprefixed.
 * {@code /c/NAME} alone is redirected to {@code /c/NAME/}, where the page's relative links work.
 */
public final class ChannelRouter implements HttpHandler {
    private final Map<String, HttpHandler> endpoints;

    /** {@code endpoints}: by the path after {@code /c/NAME/} ("" for the page). */
    public ChannelRouter(Map<String, HttpHandler> endpoints) {
        this.endpoints = Map.copyOf(endpoints);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        // The name is read from the path as sent, before any decoding or ';' parameters: a channel name
        // holds only characters a path carries as they are, so anything escaped is not one.
        String raw = exchange.getRequestURI();
        int start = raw.indexOf("/c/");
        String rest = start < 0 ? "" : raw.substring(start + 3);
        int slash = rest.indexOf('/');
        String text = slash < 0 ? rest : rest.substring(0, slash);
        ChannelName name;
        try {
            name = new ChannelName(text);
        } catch (IllegalArgumentException e) {
            Replies.error(exchange, 400, e.getMessage());
            return;
        }
        if (slash < 0) {
            exchange.setStatusCode(301);
            exchange.getResponseHeaders().put(Headers.LOCATION, "/c/" + name.value() + "/");
            exchange.endExchange();
            return;
        }
        HttpHandler endpoint = endpoints.get(rest.substring(slash + 1));
        if (endpoint == null) {
            Replies.error(exchange, 404, "no such endpoint: " + exchange.getRequestPath());
            return;
        }
        exchange.putAttachment(Channel.KEY, name);
        endpoint.handleRequest(exchange);
    }
}
