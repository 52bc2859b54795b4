package nodecast.fanout;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReferenceArray;
import nodecast.log.Message;

/**
 * One channel's newest messages as one transport encodes them, so each is encoded once however
 * many streams send it: live, and to every viewer that starts at the newest ({@code last=K}).
 * A slot is chosen by id and holds the message it was made from, compared by identity, and its
 * log: an id that comes round again in a new log, with another text or the same message renewed
 * under another log id, is encoded anew.
 *
 * <p>Read without a lock: every IO thread asks for each live message once per stream it serves.
 * Two threads that find a slot stale at once both encode it, and either encoding serves.
 */
final class EncodingMemo {
    /** More than {@code last=} may ask for, so a viewer starting at the newest finds them all. */
    private static final int SLOTS = 1_024;

    private record Encoded(String log, Message message, ByteBuffer bytes) {
    }

    private final Encoding encoding;
    private final AtomicReferenceArray<Encoded> slots = new AtomicReferenceArray<>(SLOTS);

    EncodingMemo(Encoding encoding) {
        this.encoding = encoding;
    }

    /** A view of its own (own position) on the shared encoding of {@code message}, of log {@code log}. */
    ByteBuffer of(String log, Message message) {
        int slot = (int) (message.id() % SLOTS);
        Encoded held = slots.get(slot);
        if (held == null || held.message() != message || !held.log().equals(log)) {
            held = new Encoded(log, message, encoding.encode(log, message));
            slots.set(slot, held);
        }
        return held.bytes().duplicate();
    }
}
