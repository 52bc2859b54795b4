package nodecast.stream;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.HttpUpgradeListener;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import nodecast.http.Replies;

/**
 * The opening handshake of RFC 6455 (section 4.2), on a request already known to ask for a
 * WebSocket: version 13 and a well-formed key, answered {@code 101} with the key's accept
 * value. No extension (permessage-deflate would cost every socket its own compression of each
 * message) and no subprotocol are agreed.
 */
final class WebSocketHandshake {
    private static final String VERSION = "13";
    /** What RFC 6455 appends to the client's key before hashing it. */
    private static final String KEY_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int KEY_BYTES = 16;

    private WebSocketHandshake() {
    }

    /**
     * True after refusing {@code exchange} with a status and a reason: it is no opening handshake
     * this server takes. Besides a version other than 13 (426) and a malformed key (400), what RFC
     * 6455 (4.1, 4.2.1) asks of every handshake is refused with 400: HTTP/1.1 at least, a
     * {@code Connection} header that names {@code Upgrade}, and each {@code Sec-WebSocket-} header
     * at most once.
     */
    static boolean refuses(HttpServerExchange exchange) {
        HeaderMap request = exchange.getRequestHeaders();
        String malformed = !exchange.isHttp11() ? "a WebSocket handshake must be HTTP/1.1"
                : !hasToken(request.get(Headers.CONNECTION), "upgrade") ? "a WebSocket handshake must send Connection: Upgrade"
                : request.count(Headers.SEC_WEB_SOCKET_KEY) > 1 ? "Sec-WebSocket-Key is given more than once"
                : request.count(Headers.SEC_WEB_SOCKET_VERSION) > 1 ? "Sec-WebSocket-Version is given more than once"
                : null;
        if (malformed != null) {
            Replies.error(exchange, 400, malformed);
            return true;
        }
        if (!VERSION.equals(request.getFirst(Headers.SEC_WEB_SOCKET_VERSION))) {
            exchange.getResponseHeaders().put(Headers.SEC_WEB_SOCKET_VERSION, VERSION);
            Replies.error(exchange, 426, "this server speaks WebSocket version 13 only: send Sec-WebSocket-Version: 13");
            return true;
        }
        if (!isKey(request.getFirst(Headers.SEC_WEB_SOCKET_KEY))) {
            Replies.error(exchange, 400, "Sec-WebSocket-Key must be 16 bytes in base64");
            return true;
        }
        return false;
    }

    /** Switches {@code exchange}, a handshake {@link #refuses} took, to a WebSocket handed to {@code connected}. */
    static void upgrade(HttpServerExchange exchange, HttpUpgradeListener connected) {
        exchange.getResponseHeaders()
                .put(Headers.UPGRADE, "websocket")
                .put(Headers.SEC_WEB_SOCKET_ACCEPT, accept(exchange.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_KEY)));
        // Sets 101 and Connection: Upgrade; the connection goes to the listener, on its IO thread, once the answer is written.
        exchange.upgradeChannel(connected);
        exchange.endExchange();
    }

    /** Whether a header's comma-separated tokens (over any number of lines) include {@code token}, in any case. */
    static boolean hasToken(HeaderValues header, String token) {
        return header != null && header.stream()
                .flatMap(line -> Arrays.stream(line.split(",")))
                .anyMatch(each -> each.trim().equalsIgnoreCase(token));
    }

    private static boolean isKey(String key) {
        try {
            return key != null && Base64.getDecoder().decode(key.trim()).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The Sec-WebSocket-Accept value that proves the server read {@code key}: base64 of SHA-1 of the key and the GUID. */
    private static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key.trim() + KEY_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
