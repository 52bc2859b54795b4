package nodecast.bench;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The frames a WebSocket server sends (RFC 6455, section 5), unmasked: a text frame per message or
 * control, as both servers send them, whole and uncompressed (a compressed one, RSV1 under
 * permessage-deflate, is refused: neither server compresses what this run publishes); a ping is
 * answered with a pong at once, masked as every client frame must be, as a browser answers
 * (nodecast lets a peer go after two unanswered keepalives).
 */
final class WebSocketFrames implements StreamBytes {
    private static final int FINAL = 0x80;
    /** RSV1 to RSV3: RSV1 marks a compressed message; the others no extension offered uses. */
    private static final int RESERVED = 0x70;
    private static final int MASKED = 0x80;
    private static final int TEXT = 0x1;
    private static final int BINARY = 0x2;
    private static final int CLOSE = 0x8;
    private static final int PING = 0x9;
    private static final int PONG = 0xA;
    /** The longest payload a control frame may carry, and so a pong. */
    private static final int CONTROL_MOST = 125;

    private final CarriedBytes carried = new CarriedBytes(this::parse);

    @Override
    public void take(byte[] data, int from, int to, StreamEvents events) {
        carried.feed(data, from, to, events);
    }

    /** Handles every whole frame in {@code bytes[from, to)}; a frame cut by the read waits for the rest. */
    private int parse(byte[] bytes, int from, int to, StreamEvents events) {
        int at = from;
        while (to - at >= 2) {
            int first = bytes[at] & 0xFF;
            int second = bytes[at + 1] & 0xFF;
            if ((second & MASKED) != 0) {
                throw new IllegalStateException("a masked frame from the server");
            }
            int lengthBytes = (second & 0x7F) == 126 ? 2 : (second & 0x7F) == 127 ? 8 : 0;
            if (to - at < 2 + lengthBytes) {
                break;
            }
            long length = second & 0x7F;
            if (lengthBytes > 0) {
                length = 0;
                for (int i = 0; i < lengthBytes; i++) {
                    length = length << 8 | (bytes[at + 2 + i] & 0xFF);
                }
            }
            int payload = at + 2 + lengthBytes;
            if (to - payload < length) {
                break;
            }
            frame(first, bytes, payload, payload + (int) length, events);
            at = payload + (int) length;
        }
        return at;
    }

    private static void frame(int first, byte[] bytes, int from, int to, StreamEvents events) {
        int opcode = first & 0x0F;
        if ((first & FINAL) == 0 || opcode == 0) {
            throw new IllegalStateException("a fragmented message (neither server splits one this small)");
        }
        if ((first & RESERVED) != 0) {
            throw new IllegalStateException("a compressed frame, or one of an extension not offered");
        }
        switch (opcode) {
            case TEXT, BINARY -> {
                long id = MessageIds.first(bytes, from, to);
                if (id >= 0) {
                    events.message(id);
                }
            }
            case PING -> events.reply(pong(bytes, from, to));
            case PONG -> {
                // never asked for: nothing to do
            }
            case CLOSE -> throw new IllegalStateException("the server closed the WebSocket"
                    + (to - from >= 2 ? " with code " + ((bytes[from] & 0xFF) << 8 | bytes[from + 1] & 0xFF) : ""));
            default -> throw new IllegalStateException("a frame of unknown opcode " + opcode);
        }
    }

    /** A pong carrying the ping's payload, masked with a fresh key. */
    private static byte[] pong(byte[] bytes, int from, int to) {
        int length = to - from;
        if (length > CONTROL_MOST) {
            throw new IllegalStateException("a ping of " + length + " bytes");
        }
        byte[] frame = new byte[2 + 4 + length];
        frame[0] = (byte) (FINAL | PONG);
        frame[1] = (byte) (MASKED | length);
        int mask = ThreadLocalRandom.current().nextInt();
        for (int i = 0; i < 4; i++) {
            frame[2 + i] = (byte) (mask >>> (24 - 8 * i));
        }
        for (int i = 0; i < length; i++) {
            frame[6 + i] = (byte) (bytes[from + i] ^ frame[2 + i % 4]);
        }
        return frame;
    }
}
