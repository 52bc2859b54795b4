package nodecast.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ids of a WebSocket stream (RFC 6455 frames, unmasked from a server): each text frame that
 * is a message, {@code {"id":N,...}}; controls ({@code {"event":...}}) are passed over, and pings
 * answered with a pong, as a browser does, or nodecast would let the reader go after two keepalive periods.
 */
final class WebSocketIds implements StreamIds {
    private static final int TEXT = 0x1;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+)");
    /** Enough of a payload to hold its id. */
    private static final int ID_PREFIX = 32;

    private final DataInputStream in;
    private final OutputStream out;
    /** Written by the reading thread, read by the run. */
    private volatile long bytes;

    WebSocketIds(InputStream in, OutputStream out) {
        this.in = new DataInputStream(in);
        this.out = out;
    }

    @Override
    public long next() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                return -1;
            }
            int second = in.readUnsignedByte();
            if ((second & 0x80) != 0) {
                throw new IOException("the server sent a masked frame");
            }
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            switch (first & 0x0F) {
                case TEXT -> {
                    // The bound counts payloads.
                    bytes += length;
                    Matcher id = ID.matcher(new String(payload, 0, Math.min(ID_PREFIX, payload.length), StandardCharsets.US_ASCII));
                    if (id.find()) {
                        return Long.parseLong(id.group(1));
                    }
                }
                case PING -> pong(payload);
                case PONG -> {
                    // not asked for; nothing to do
                }
                case CLOSE -> {
                    return -1;
                }
                default -> throw new IOException("an unexpected frame, opcode " + (first & 0x0F) + " (nodecast sends each message whole)");
            }
        }
    }

    /** A pong carrying the ping's payload, masked as every client frame must be. */
    private void pong(byte[] payload) throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] frame = new byte[2 + mask.length + payload.length];
        frame[0] = (byte) (0x80 | PONG);
        frame[1] = (byte) (0x80 | payload.length); // a ping's payload is at most 125 bytes
        System.arraycopy(mask, 0, frame, 2, mask.length);
        for (int i = 0; i < payload.length; i++) {
            frame[2 + mask.length + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        out.write(frame);
        out.flush();
    }

    @Override
    public long bytes() {
        return bytes;
    }
}
