package nodecast.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import nodecast.fanout.Encoding;
import nodecast.log.Json;

/** Every Server-Sent Event nodecast writes, as UTF-8 bytes ready for any number of sockets. */
final class SseFrames implements StreamFrames {
    static final SseFrames SSE = new SseFrames();

    /**
     * A message: its id (so an EventSource resumes after it) and its JSON exactly as long-poll
     * sends it, under the default event type. JSON holds no raw line break, so it is one data line.
     */
    private static final Encoding MESSAGE = message -> frame("id: " + message.id() + "\ndata: " + Json.write(message) + "\n\n");

    /**
     * A named event, so a page's script can see it (a comment never reaches it), with data, since
     * an EventSource drops an event without any; a plain EventSource ignores a name it was not told of.
     */
    private static final ByteBuffer KEEPALIVE = frame("event: keepalive\ndata: {}\n\n");

    private SseFrames() {
    }

    @Override
    public Encoding message() {
        return MESSAGE;
    }

    @Override
    public ByteBuffer keepalive() {
        return KEEPALIVE.duplicate();
    }

    @Override
    public ByteBuffer hello(String log, long next, Number keepaliveSeconds) {
        return event("hello", new Hello(log, next, keepaliveSeconds));
    }

    @Override
    public ByteBuffer gap(long from, long next) {
        return event("gap", new Gap(from, next));
    }

    @Override
    public ByteBuffer clear(long next) {
        return event("clear", new Clear(next));
    }

    @Override
    public ByteBuffer reset(String log) {
        return event("reset", new Reset(log));
    }

    private static ByteBuffer event(String name, Object data) {
        return frame("event: " + name + "\ndata: " + Json.write(data) + "\n\n");
    }

    private static ByteBuffer frame(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
    }

    private record Hello(String log, long next, Number keepalive) {
    }

    private record Gap(long from, long next) {
    }

    private record Clear(long next) {
    }

    private record Reset(String log) {
    }
}
