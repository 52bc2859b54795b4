package nodecast.bench;

import java.nio.charset.StandardCharsets;

/**
 * nodecast's request line, as its page writes it: {@code GET /ENDPOINT?id=N}, N the id after the
 * last one the viewer has; {@code GET /c/NAME/ENDPOINT?id=N} for a viewer that follows channel NAME.
 */
final class NodecastRequestLine implements RequestLine {
    private static final byte[] METHOD = "GET ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    /** {@code /wait?id=}, {@code /events?id=} or {@code /ws?id=}. */
    private final byte[] endpoint;

    NodecastRequestLine(String endpoint) {
        this.endpoint = (endpoint + "?id=").getBytes(StandardCharsets.US_ASCII);
    }

    /** Writes the line without allocating: a long poll writes one per delivered message. */
    @Override
    public int write(ViewerConnection viewer, byte[] out, int from) {
        int at = RequestHeaders.put(METHOD, out, from);
        at = RequestHeaders.put(viewer.channelPath, out, at);
        at = RequestHeaders.put(endpoint, out, at);
        long id = viewer.nextId;
        int digits = 1;
        for (long rest = id / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            out[i] = (byte) ('0' + id % 10);
            id /= 10;
        }
        return RequestHeaders.put(VERSION, out, at + digits);
    }
}
