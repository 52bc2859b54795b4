package nodecast.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket viewer's reader, with the key its handshake sends (RFC 6455, section 4.1): a nonce of
 * 16 bytes per connection; the server must answer 101 with that key's accept value, and no
 * extension but the permessage-deflate the handshake offers, before its frames are read.
 */
final class WebSocketReader extends StreamReader {
    /** What the RFC appends to the key before hashing it. */
    private static final String KEY_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String key;

    WebSocketReader() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        key = Base64.getEncoder().encodeToString(nonce);
    }

    @Override
    byte[] requestHeaders() {
        return ("Sec-WebSocket-Key: " + key + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected StreamBytes bodyOf(ResponseHead head) {
        head.expect(101);
        if (!head.header("Upgrade").equalsIgnoreCase("websocket")
                || !head.header("Connection").toLowerCase(Locale.ROOT).contains("upgrade")) {
            throw new IllegalStateException("a 101 that is no WebSocket upgrade");
        }
        if (!head.header("Sec-WebSocket-Accept").equals(accept(key))) {
            throw new IllegalStateException("a WebSocket handshake with the wrong Sec-WebSocket-Accept");
        }
        String extensions = head.header("Sec-WebSocket-Extensions");
        if (!extensions.isEmpty() && !extensions.startsWith("permessage-deflate")) {
            throw new IllegalStateException("the server took up " + extensions + ", which the handshake did not offer");
        }
        return new WebSocketFrames();
    }

    private static String accept(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest((key + KEY_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
