package nodecast.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import nodecast.fanout.Encoding;
import nodecast.log.Json;

/**
 * What nodecast sends over a WebSocket, as whole RFC 6455 frames ready for any number of
 * sockets: a message as a text frame of its JSON object (exactly as long-poll sends it), each
 * control as a text frame of a JSON object whose {@code "event"} names it, and the control frames
 * (ping, pong, close) a socket needs. A server's frames are never masked, and nodecast never
 * splits one, so each is header and payload in one read-only buffer, encoded once.
 */
final class WebSocketFrames implements StreamFrames {
    static final WebSocketFrames WEB_SOCKET = new WebSocketFrames();

    static final int TEXT = 0x1;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;
    /** The final-fragment bit of a frame's first byte. */
    static final int FIN = 0x80;

    /** A client of a socket resumes with {@code ?id=} and {@code &log=}: a message needs no more than its JSON. */
    private static final Encoding MESSAGE = (log, message) -> text(Json.write(message));
    /**
     * A text frame a page's script sees (it never sees pings) and an empty ping, which the client
     * must answer, in one buffer: one write for both.
     */
    private static final ByteBuffer KEEPALIVE = concat(text(Json.write(new Keepalive("keepalive"))), frame(PING, new byte[0]));

    private WebSocketFrames() {
    }

    @Override
    public Encoding message() {
        return MESSAGE;
    }

    @Override
    public ByteBuffer hello(String log, long next, Number keepaliveSeconds) {
        return text(Json.write(new Hello("hello", log, next, keepaliveSeconds)));
    }

    @Override
    public ByteBuffer gap(String log, long from, long next) {
        return text(Json.write(new Gap("gap", from, next)));
    }

    @Override
    public ByteBuffer clear(String log, long next, long resumeAt) {
        return text(Json.write(new Clear("clear", next)));
    }

    @Override
    public ByteBuffer reset(String log) {
        return text(Json.write(new Reset("reset", log)));
    }

    @Override
    public ByteBuffer keepalive() {
        return KEEPALIVE.duplicate();
    }

    /** What a socket turned away at capacity is told before its close: when to come back, in seconds. */
    static ByteBuffer busy(int retrySeconds) {
        return text(Json.write(new Busy("busy", retrySeconds)));
    }

    /** The answer to a client's ping: a pong with the ping's payload. */
    static ByteBuffer pong(byte[] payload) {
        return frame(PONG, payload);
    }

    /** A close frame: {@code code}, then {@code reason} (short: a control frame's payload is at most 125 bytes). */
    static ByteBuffer close(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        return frame(CLOSE, ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array());
    }

    private static ByteBuffer text(String json) {
        return frame(TEXT, json.getBytes(StandardCharsets.UTF_8));
    }

    /** One unmasked, final frame: the payload's length in 7, 16 or 64 bits, as short as it fits. */
    private static ByteBuffer frame(int opcode, byte[] payload) {
        int length = payload.length;
        int lengthBytes = length < 126 ? 0 : length <= 0xFFFF ? 2 : 8;
        ByteBuffer frame = ByteBuffer.allocate(2 + lengthBytes + length);
        frame.put((byte) (FIN | opcode));
        if (lengthBytes == 0) {
            frame.put((byte) length);
        } else if (lengthBytes == 2) {
            frame.put((byte) 126).putShort((short) length);
        } else {
            frame.put((byte) 127).putLong(length);
        }
        return frame.put(payload).flip().asReadOnlyBuffer();
    }

    private static ByteBuffer concat(ByteBuffer first, ByteBuffer second) {
        return ByteBuffer.allocate(first.remaining() + second.remaining()).put(first).put(second).flip().asReadOnlyBuffer();
    }

    private record Keepalive(String event) {
    }

    private record Hello(String event, String log, long next, Number keepalive) {
    }

    private record Gap(String event, long from, long next) {
    }

    private record Clear(String event, long next) {
    }

    private record Reset(String event, String log) {
    }

    private record Busy(String event, int retry) {
    }
}
