package nodecast.bench;

import java.nio.charset.StandardCharsets;

/**
 * Where message ids are in what a server sent: each message's JSON carries {@code "id":N}, whichever
 * the server and transport (nodecast's message JSON; Nchan's, the body published, which the run
 * numbers so). Controls (hello, gap, clear, reset) carry none.
 */
final class MessageIds {
    private static final byte[] KEY = "\"id\":".getBytes(StandardCharsets.US_ASCII);

    private MessageIds() {
    }

    /** Where the next {@code "id":} in {@code bytes[from, to)} starts, or -1. */
    static int next(byte[] bytes, int from, int to) {
        return ViewerConnection.indexOf(bytes, KEY, from, to);
    }

    /** The number after the {@code "id":} at {@code at}. */
    static long valueAt(byte[] bytes, int at, int to) {
        long id = 0;
        for (int i = at + KEY.length; i < to && bytes[i] >= '0' && bytes[i] <= '9'; i++) {
            id = id * 10 + (bytes[i] - '0');
        }
        return id;
    }

    /** The id of the one message in {@code bytes[from, to)} (a frame, an event's data), or -1 if it carries none. */
    static long first(byte[] bytes, int from, int to) {
        int at = next(bytes, from, to);
        return at < 0 ? -1 : valueAt(bytes, at, to);
    }
}
