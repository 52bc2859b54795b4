package nodecast.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** The two ways nodecast streams channel default: what a client sends to open one, and how its messages are read. */
enum StreamTransport {
    SSE("SSE", 200) {
        @Override
        String request(int port, String query) {
            return "GET /events" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
        }

        @Override
        StreamIds ids(HttpHead head, InputStream body, OutputStream out) {
            // A stream has no length, so HTTP/1.1 sends it chunked.
            boolean chunked = head.header("Transfer-Encoding").filter(coding -> coding.equalsIgnoreCase("chunked")).isPresent();
            return new SseIds(chunked ? new ChunkedBody(body) : body);
        }
    },
    WEB_SOCKET("WebSocket", 101) {
        /** The opening handshake of RFC 6455 (section 4.1), with a nonce of its own, as a browser sends it. */
        @Override
        String request(int port, String query) {
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            return "GET /ws" + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        }

        @Override
        StreamIds ids(HttpHead head, InputStream body, OutputStream out) {
            return new WebSocketIds(body, out);
        }
    };

    final String label;
    /** The status that opens the stream. */
    final int status;

    StreamTransport(String label, int status) {
        this.label = label;
        this.status = status;
    }

    /** The request that opens a stream of channel default on a server at 127.0.0.1:{@code port}, with {@code query} ("" or "?…"). */
    abstract String request(int port, String query);

    byte[] requestBytes(int port) {
        return requestBytes(port, "");
    }

    byte[] requestBytes(int port, String query) {
        return request(port, query).getBytes(StandardCharsets.US_ASCII);
    }

    /** The messages of a stream whose answer began with {@code head}; {@code out}, for what the client must send back. */
    abstract StreamIds ids(HttpHead head, InputStream body, OutputStream out);
}
