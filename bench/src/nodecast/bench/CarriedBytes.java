package nodecast.bench;

import java.util.Arrays;

/**
 * The bytes a parser could not use yet, because a read ended inside a line or a frame, carried to
 * the front of the next read's. Nearly always none: then the parser reads straight from the read buffer.
 */
final class CarriedBytes {
    /** Parses what it can of {@code bytes[from, to)}; returns where the bytes it could not use yet start. */
    interface Parser {
        int parse(byte[] bytes, int from, int to, StreamEvents events);
    }

    /** A line or a frame longer than this is not a stream this client understands. */
    private static final int MOST = 1 << 20;

    private final Parser parser;
    private byte[] bytes = new byte[0];
    private int length;

    CarriedBytes(Parser parser) {
        this.parser = parser;
    }

    /** Parses what was carried followed by {@code data[from, to)}, and carries what is left. */
    void feed(byte[] data, int from, int to, StreamEvents events) {
        if (length == 0) {
            carry(data, parser.parse(data, from, to, events), to);
            return;
        }
        if (length + to - from > MOST) {
            throw new IllegalStateException("a line or frame of over " + MOST + " bytes");
        }
        if (length + to - from > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + to - from));
        }
        System.arraycopy(data, from, bytes, length, to - from);
        carry(bytes, parser.parse(bytes, 0, length + to - from, events), length + to - from);
    }

    private void carry(byte[] source, int from, int to) {
        int left = to - from;
        if (left > bytes.length) {
            bytes = new byte[Math.max(256, left)];
        }
        System.arraycopy(source, from, bytes, 0, left);
        length = left;
    }
}
