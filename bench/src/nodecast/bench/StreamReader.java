package nodecast.bench;

import java.nio.charset.StandardCharsets;

/**
 * What one streaming viewer reads: the response's head, which says whether the server took the
 * stream (and how its body is framed), then the body, parsed as it comes.
 */
abstract class StreamReader {
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONE = new byte[0];

    private final CarriedBytes head = new CarriedBytes(this::parseHead);
    /** Null until the head is in. */
    private StreamBytes body;

    /** Header lines this connection's request carries besides its transport's (a WebSocket's key). */
    byte[] requestHeaders() {
        return NONE;
    }

    /** Whether the server has accepted the stream. */
    final boolean started() {
        return body != null;
    }

    /** Takes the bytes of one read; throws IllegalStateException on what the server should not have sent. */
    final void take(byte[] data, int length, StreamEvents events) {
        if (body == null) {
            head.feed(data, 0, length, events);
        } else {
            body.take(data, 0, length, events);
        }
    }

    private int parseHead(byte[] bytes, int from, int to, StreamEvents events) {
        int end = ViewerConnection.indexOf(bytes, HEAD_END, from, to);
        if (end < 0) {
            return from;
        }
        body = bodyOf(ResponseHead.parse(bytes, from, end));
        events.started();
        // The first events often come with the head (nodecast's hello).
        body.take(bytes, end + HEAD_END.length, to, events);
        return to;
    }

    /** How to read the body of a response with {@code head}; throws IllegalStateException if it is no stream of this transport. */
    protected abstract StreamBytes bodyOf(ResponseHead head);
}
