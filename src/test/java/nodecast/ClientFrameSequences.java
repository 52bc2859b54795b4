package nodecast;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random sequences of frames a WebSocket client might send, valid and not, each with what RFC
 * 6455 says the server must do: carry on, or close with a code. A sequence stops at its first frame
 * the server must close for; each frame breaks at most one rule, so the code is never in doubt.
 * The rules, as the test reads RFC 6455: frames masked (5.1), no RSV bit without an extension
 * (5.2), known opcodes (5.2), control frames whole and at most 125 bytes (5.5), continuations
 * only inside a message and no new message inside one (5.4), 1002 for all of those; a text
 * message (all its fragments) and a close reason in UTF-8, else 1007 (8.1); a close of no
 * payload answered 1000, one of 1 byte or a code no peer sends (1005 among them) 1002 (7.4);
 * and nodecast's own limit, a data message over 4 KB, 1009.
 */
final class ClientFrameSequences {
    /** What the server should do once it has read a sequence: -1 to carry on (and answer the ping that ends it). */
    record Sequence(String description, byte[] bytes, int expectedClose) {
    }

    private static final int MAX_MESSAGE = 4 * 1024;
    private static final int[] SENDABLE = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999};
    private static final int[] UNSENDABLE = {0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535};

    private final Random random;
    // The model of the server's reader: the message under way, if any.
    private boolean inMessage;
    private boolean textMessage;
    private int messageBytes;
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();
    private final List<String> said = new ArrayList<>();

    private ClientFrameSequences(Random random) {
        this.random = random;
    }

    /** A sequence of up to {@code frames} frames; one without a closing frame ends with a ping carrying {@code marker}. */
    static Sequence next(Random random, int frames, byte[] marker) {
        return new ClientFrameSequences(random).make(frames, marker);
    }

    private Sequence make(int frames, byte[] marker) {
        for (int i = 0; i < frames; i++) {
            int close = frame();
            if (close >= 0) {
                return new Sequence(String.join(", ", said), wire.toByteArray(), close);
            }
        }
        add(0x80 | RawWebSocket.PING, marker, "ping (the marker)");
        return new Sequence(String.join(", ", said), wire.toByteArray(), -1);
    }

    /** Adds one frame; returns the close code it calls for, or -1. */
    private int frame() {
        switch (random.nextInt(16)) {
            case 0, 1, 2:
                return data(true);
            case 3, 4:
                return data(false);
            case 5, 6:
                add(0x80 | RawWebSocket.PING, bytes(random.nextInt(126)), "ping");
                return -1;
            case 7:
                add(0x80 | RawWebSocket.PONG, bytes(random.nextInt(126)), "unasked pong");
                return -1;
            case 8:
                return close();
            case 9:
                raw(0x80 | RawWebSocket.TEXT, "x".getBytes(StandardCharsets.UTF_8), false, "unmasked");
                return 1002;
            case 10:
                add(0x80 | (0x10 << random.nextInt(3)) | RawWebSocket.TEXT, bytes(3), "an RSV bit");
                return 1002;
            case 11:
                int opcode = new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}[random.nextInt(10)];
                add(0x80 | opcode, bytes(2), "opcode " + opcode);
                return 1002;
            case 12:
                add(RawWebSocket.PING, bytes(3), "a fragmented ping");
                return 1002;
            case 13:
                add(0x80 | RawWebSocket.PING, bytes(126 + random.nextInt(200)), "a ping over 125 bytes");
                return 1002;
            case 14:
                int extra = MAX_MESSAGE + 1 - messageBytes;
                add((inMessage ? 0 : RawWebSocket.TEXT) | 0x80, ascii(extra), "a message past 4 KB");
                return 1009;
            default:
                return inMessage ? data(true) : continuationOutOfPlace();
        }
    }

    /** A text or binary frame, or a continuation: {@code valid} or with bytes that are not UTF-8 in a text message. */
    private int data(boolean valid) {
        boolean starts = !inMessage;
        boolean text = starts ? random.nextBoolean() : textMessage;
        boolean fin = random.nextInt(3) > 0;
        int opcode = starts ? (text ? RawWebSocket.TEXT : 0x2) : 0;
        byte[] payload = valid || !text ? (text ? utf8(random.nextInt(40)) : bytes(random.nextInt(60))) : notUtf8();
        if (messageBytes + payload.length > MAX_MESSAGE) {
            payload = new byte[0];
        }
        add((fin ? 0x80 : 0) | opcode, payload, (starts ? (text ? "text" : "binary") : "continuation") + (fin ? "" : " (unfinished)")
                + (valid || !text ? "" : " not UTF-8"));
        if (!valid && text) {
            return 1007;
        }
        inMessage = !fin;
        textMessage = text;
        messageBytes = fin ? 0 : messageBytes + payload.length;
        return -1;
    }

    private int continuationOutOfPlace() {
        add(0x80, bytes(2), "a continuation with no message");
        return 1002;
    }

    private int close() {
        switch (random.nextInt(5)) {
            case 0:
                add(0x80 | RawWebSocket.CLOSE, new byte[0], "close, no code");
                return 1000;
            case 1:
                add(0x80 | RawWebSocket.CLOSE, new byte[] {0x03}, "close of 1 byte");
                return 1002;
            case 2:
                int unsendable = UNSENDABLE[random.nextInt(UNSENDABLE.length)];
                add(0x80 | RawWebSocket.CLOSE, code(unsendable, new byte[0]), "close " + unsendable);
                return 1002;
            case 3:
                add(0x80 | RawWebSocket.CLOSE, code(1000, new byte[] {(byte) 0xC3}), "close, a reason not UTF-8");
                return 1007;
            default:
                int code = SENDABLE[random.nextInt(SENDABLE.length)];
                add(0x80 | RawWebSocket.CLOSE, code(code, "bye ✓".getBytes(StandardCharsets.UTF_8)), "close " + code);
                return code;
        }
    }

    private void add(int first, byte[] payload, String what) {
        raw(first, payload, true, what);
    }

    private void raw(int first, byte[] payload, boolean masked, String what) {
        wire.writeBytes(RawWebSocket.frame(first, payload.length, payload, masked));
        said.add(what);
    }

    private static byte[] code(int code, byte[] reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    private byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] ascii(int count) {
        return "x".repeat(count).getBytes(StandardCharsets.US_ASCII);
    }

    /** Whole characters, some of them beyond ASCII. */
    private byte[] utf8(int characters) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < characters; i++) {
            text.appendCodePoint(new int[] {'a', 'é', '✓', 0x1F600}[random.nextInt(4)]);
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes that cannot be UTF-8 wherever a message stands: a lone continuation byte, or one that never starts a character. */
    private byte[] notUtf8() {
        return new byte[] {'a', (byte) (random.nextBoolean() ? 0x80 : 0xFF), 'b'};
    }
}
