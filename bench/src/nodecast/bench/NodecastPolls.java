package nodecast.bench;

import java.nio.charset.StandardCharsets;

/**
 * nodecast's long poll, as its page does it: {@code GET /wait?id=N}, N the id after the last one the
 * viewer has; {@code GET /c/NAME/wait?id=N} for a viewer that follows channel NAME.
 */
final class NodecastPolls implements PollProtocol {
    private static final byte[] METHOD = "GET ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WAIT = "/wait?id=".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    private final byte[] headers;

    NodecastPolls(byte[] headers) {
        this.headers = headers;
    }

    /** Writes the request without allocating: this runs once per delivered message. */
    @Override
    public int writeNext(ViewerConnection viewer, byte[] out) {
        int at = RequestHeaders.put(METHOD, out, 0);
        at = RequestHeaders.put(viewer.channelPath, out, at);
        at = RequestHeaders.put(WAIT, out, at);
        long id = viewer.nextId;
        int digits = 1;
        for (long rest = id / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            out[i] = (byte) ('0' + id % 10);
            id /= 10;
        }
        at = RequestHeaders.put(VERSION, out, at + digits);
        return RequestHeaders.put(headers, out, at);
    }

    /** A wait that times out is answered 200 with no message ({@code []}). */
    @Override
    public boolean answersPoll(int status) {
        return status == 200;
    }

    /** The next id is the viewer's own count: nothing to keep from the answer. */
    @Override
    public void answered(ViewerConnection viewer) {
    }
}
