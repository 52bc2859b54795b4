package nodecast.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import nodecast.fanout.Encoding;
import nodecast.log.Json;

/** Every Server-Sent Event nodecast writes, as UTF-8 bytes ready for any number of sockets. */
final class SseFrames implements StreamFrames {
    static final SseFrames SSE = new SseFrames();

    /**
     * A message: where to resume after it ({@link EventId}: its log, and its id + 1) and its JSON
     * exactly as long-poll sends it, under the default event type. JSON holds no raw line break,
     * so it is one data line.
     */
    private static final Encoding MESSAGE = (log, message) ->
            frame("id: " + new EventId(log, message.id() + 1) + "\ndata: " + Json.write(message) + "\n\n");

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

    /** With an id, so a stream cut before its first message (started with ?last=K) resumes where it was. */
    @Override
    public ByteBuffer hello(String log, long next, Number keepaliveSeconds) {
        return event("hello", new EventId(log, next), new Hello(log, next, keepaliveSeconds));
    }

    @Override
    public ByteBuffer gap(String log, long from, long next) {
        return event("gap", new EventId(log, next), new Gap(from, next));
    }

    @Override
    public ByteBuffer clear(String log, long next, long resumeAt) {
        return event("clear", new EventId(log, resumeAt), new Clear(next));
    }

    /** With the new log's id from 0, so a client cut right after it is not told reset again. */
    @Override
    public ByteBuffer reset(String log) {
        return event("reset", new EventId(log, 0), new Reset(log));
    }

    /**
     * The whole answer to an EventSource turned away at capacity: {@code retry:} makes it come
     * back by itself after that many milliseconds, once the answer ends; the busy event says the
     * same to a page's script. No id: the client keeps the one it had.
     */
    static ByteBuffer busy(int retrySeconds) {
        return frame("retry: " + retrySeconds * 1_000 + "\nevent: busy\ndata: " + Json.write(new Busy(retrySeconds)) + "\n\n");
    }

    private static ByteBuffer event(String name, EventId resumeAt, Object data) {
        return frame("event: " + name + "\nid: " + resumeAt + "\ndata: " + Json.write(data) + "\n\n");
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

    private record Busy(int retry) {
    }
}
