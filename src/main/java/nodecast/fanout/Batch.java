package nodecast.fanout;

import java.nio.ByteBuffer;
import java.util.List;
import nodecast.log.Message;

/**
 * An answer to "messages from id N on": encoded once, then shared by every request that gets
 * the same messages. {@code logId} names the log the ids belong to, so a client can tell when
 * the log it was following is gone.
 */
public record Batch(String logId, List<Message> messages, ByteBuffer json) {

    static Batch of(String logId, List<Message> messages) {
        return new Batch(logId, List.copyOf(messages), Message.encode(messages));
    }

    /** A view of the JSON with its own position, so concurrent writers do not disturb each other. */
    public ByteBuffer body() {
        return json.duplicate();
    }
}
