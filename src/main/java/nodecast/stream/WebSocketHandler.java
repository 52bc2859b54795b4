package nodecast.stream;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Channels;
import nodecast.http.Channel;
import nodecast.http.MessageQuery;
import nodecast.http.Replies;
import nodecast.http.ViewerLimit;
import nodecast.http.ViewerTransport;
import nodecast.metrics.Metrics;

/**
 * {@code GET /ws}: the channel over a WebSocket (RFC 6455, spoken by nodecast itself), from
 * {@code ?id=N} or {@code ?last=K} on; see {@link WebSocketStream}. Everything that can be refused
 * is refused before the upgrade, with a status and a reason: a page of another site (403:
 * browsers send any site's cookies with a WebSocket), a bad channel or start (400), a request
 * that is no upgrade at all (426), and then what {@link WebSocketHandshake} checks. At capacity
 * the upgrade goes through, so a page can read why it is turned away ({@link BusySocket}).
 */
public final class WebSocketHandler implements HttpHandler {
    private final Channels channels;
    private final ViewerLimit limit;
    private final Metrics metrics;
    private final Duration keepalive;
    private final long maxQueuedBytes;
    /** The one other origin whose pages may open a socket ({@code --cors-origin}), or null. */
    private final String otherOrigin;

    public WebSocketHandler(Channels channels, ViewerLimit limit, Metrics metrics, Duration keepalive, long maxQueuedBytes,
            String otherOrigin) {
        this.channels = channels;
        this.limit = limit;
        this.metrics = metrics;
        this.keepalive = keepalive;
        this.maxQueuedBytes = maxQueuedBytes;
        this.otherOrigin = otherOrigin;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (origin != null && !isOwnOrigin(exchange, origin) && !origin.equals(otherOrigin)) {
            Replies.error(exchange, 403, "a WebSocket may be opened only by this site's pages"
                    + (otherOrigin == null ? "" : " and " + otherOrigin + "'s") + ", not by " + origin + "'s");
            return;
        }
        Broadcaster broadcaster = Channel.broadcasterOrRefuse(exchange, channels);
        MessageQuery query = broadcaster == null ? null : StreamQuery.readOrRefuse(exchange);
        if (query == null) {
            return;
        }
        if (!WebSocketHandshake.hasToken(exchange.getRequestHeaders().get(Headers.UPGRADE), "websocket")) {
            // Also what comes through a proxy that drops hop-by-hop headers: the Sec-WebSocket headers without Upgrade.
            exchange.getResponseHeaders().put(Headers.UPGRADE, "websocket");
            Replies.error(exchange, 426, "this endpoint speaks WebSocket only: send Connection: Upgrade and Upgrade: websocket");
            return;
        }
        if (WebSocketHandshake.refuses(exchange)) {
            return;
        }
        ViewerLimit.Busy busy = limit.admit(ViewerTransport.WEB_SOCKET);
        WebSocketHandshake.upgrade(exchange, busy != null
                ? (connection, upgraded) -> BusySocket.open(connection, busy.retrySeconds(), metrics)
                : (connection, upgraded) -> WebSocketStream.open(connection, broadcaster, query, metrics, keepalive, maxQueuedBytes));
    }

    /**
     * Whether {@code origin} is this server's as the browser reached it: the same host and port
     * as the {@code Host} header. The scheme is left out: behind a proxy that ends TLS the page is
     * https while nodecast sees http.
     */
    private static boolean isOwnOrigin(HttpServerExchange exchange, String origin) {
        String host = exchange.getRequestHeaders().getFirst(Headers.HOST);
        try {
            URI uri = new URI(origin);
            if (host == null || uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
            String authority = uri.getHost() + ":" + port;
            String hostWithPort = host.contains(":") && !host.endsWith("]") ? host : host + ":" + port;
            return authority.toLowerCase(Locale.ROOT).equals(hostWithPort.toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
