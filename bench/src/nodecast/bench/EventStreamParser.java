package nodecast.bench;

import java.nio.charset.StandardCharsets;

/**
 * A text/event-stream (the HTML standard's Server-Sent Events) as a browser's EventSource reads it:
 * lines of fields, an event dispatched at each blank line. A message is an event of the default
 * type whose data carries {@code "id":N}; the named ones (nodecast's hello, gap, clear, reset),
 * comments (keepalives) and the {@code id:} field (each server's own cursor) count for nothing here.
 */
final class EventStreamParser implements StreamBytes {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_TYPE = "message".getBytes(StandardCharsets.US_ASCII);

    private final CarriedBytes carried = new CarriedBytes(this::parse);
    /** The message id the current event's data carries, -1 if none yet. */
    private long id = -1;
    /** Whether the current event has a type of its own: then it is no message. */
    private boolean named;

    @Override
    public void take(byte[] data, int from, int to, StreamEvents events) {
        carried.feed(data, from, to, events);
    }

    private int parse(byte[] bytes, int from, int to, StreamEvents events) {
        int at = from;
        for (int end = lineEnd(bytes, at, to); end >= 0; end = lineEnd(bytes, at, to)) {
            line(bytes, at, end > at && bytes[end - 1] == '\r' ? end - 1 : end, events);
            at = end + 1;
        }
        return at;
    }

    private void line(byte[] bytes, int from, int to, StreamEvents events) {
        if (from == to) {
            if (id >= 0 && !named) {
                events.message(id);
            }
            id = -1;
            named = false;
        } else if (startsWith(bytes, from, to, DATA)) {
            long found = MessageIds.first(bytes, from + DATA.length, to);
            id = found >= 0 ? found : id;
        } else if (startsWith(bytes, from, to, EVENT)) {
            int value = from + EVENT.length < to && bytes[from + EVENT.length] == ' ' ? from + EVENT.length + 1 : from + EVENT.length;
            named = value < to && !(to - value == MESSAGE_TYPE.length && startsWith(bytes, value, to, MESSAGE_TYPE));
        }
    }

    /** Where the line that starts at {@code from} ends (its line feed), or -1 if it is not whole yet. */
    static int lineEnd(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, int from, int to, byte[] prefix) {
        return to - from >= prefix.length && ViewerConnection.indexOf(bytes, prefix, from, from + prefix.length) == from;
    }
}
