package nodecast.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import nodecast.fanout.Encoding;
import nodecast.log.Json;

/**
 * What nodecast sends over a WebSocket, one text frame each, as UTF-8 payloads ready for any
 * number of sockets: a message as its JSON object (exactly as long-poll sends it), and each
 * control as a JSON object whose {@code "event"} names it.
 */
final class WebSocketFrames implements StreamFrames {
    static final WebSocketFrames WEB_SOCKET = new WebSocketFrames();

    private static final Encoding MESSAGE = message -> payload(Json.write(message));

    private WebSocketFrames() {
    }

    @Override
    public Encoding message() {
        return MESSAGE;
    }

    @Override
    public ByteBuffer hello(String log, long next) {
        return payload(Json.write(new Hello("hello", log, next)));
    }

    @Override
    public ByteBuffer gap(long from, long next) {
        return payload(Json.write(new Gap("gap", from, next)));
    }

    @Override
    public ByteBuffer clear(long next) {
        return payload(Json.write(new Clear("clear", next)));
    }

    @Override
    public ByteBuffer reset(String log) {
        return payload(Json.write(new Reset("reset", log)));
    }

    private static ByteBuffer payload(String json) {
        return ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }

    private record Hello(String event, String log, long next) {
    }

    private record Gap(String event, long from, long next) {
    }

    private record Clear(String event, long next) {
    }

    private record Reset(String event, String log) {
    }
}
