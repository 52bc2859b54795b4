package nodecast.bench;

/**
 * A body sent with {@code Transfer-Encoding: chunked} (RFC 9112, section 7.1), handed on as the
 * bytes it carries: nodecast's event stream comes so; Nchan's has no framing, and ends with the connection.
 */
final class ChunkedDecoder implements StreamBytes {
    private final StreamBytes content;
    private final CarriedBytes carried = new CarriedBytes(this::parse);
    /** Bytes of the current chunk not handed on yet. */
    private long left;
    /** Whether the line break that follows a chunk's bytes is due. */
    private boolean chunkEnding;

    ChunkedDecoder(StreamBytes content) {
        this.content = content;
    }

    @Override
    public void take(byte[] data, int from, int to, StreamEvents events) {
        carried.feed(data, from, to, events);
    }

    private int parse(byte[] bytes, int from, int to, StreamEvents events) {
        int at = from;
        while (at < to) {
            if (left > 0) {
                int handed = (int) Math.min(left, to - at);
                content.take(bytes, at, at + handed, events);
                left -= handed;
                at += handed;
                continue;
            }
            int lineEnd = EventStreamParser.lineEnd(bytes, at, to);
            if (lineEnd < 0) {
                return at;
            }
            int end = lineEnd > at && bytes[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            if (chunkEnding) {
                if (end != at) {
                    throw new IllegalStateException("a chunk longer than its size");
                }
                chunkEnding = false;
            } else {
                left = size(bytes, at, end);
                if (left == 0) {
                    throw new IllegalStateException("the server ended the stream");
                }
                chunkEnding = true;
            }
            at = lineEnd + 1;
        }
        return at;
    }

    /** A chunk's size: hexadecimal digits, up to an extension (after ';') if any. */
    private static long size(byte[] bytes, int from, int to) {
        long size = 0;
        int i = from;
        for (; i < to && Character.digit(bytes[i], 16) >= 0; i++) {
            size = size * 16 + Character.digit(bytes[i], 16);
        }
        if (i == from || (i < to && bytes[i] != ';' && bytes[i] != ' ')) {
            throw new IllegalStateException("a bad chunk size line");
        }
        return size;
    }
}
