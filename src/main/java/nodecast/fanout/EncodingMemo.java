package nodecast.fanout;

import java.nio.ByteBuffer;
import nodecast.log.Message;

/**
 * One channel's newest messages as one transport encodes them, so each is encoded once however
 * many streams send it: live, and to every viewer that starts at the newest ({@code last=K}).
 * A slot is chosen by id and holds the message it was made from, compared by identity: an id
 * that comes round again in a new log, with another text, is encoded anew.
 */
final class EncodingMemo {
    /** More than {@code last=} may ask for, so a viewer starting at the newest finds them all. */
    private static final int SLOTS = 1_024;

    private final Encoding encoding;
    private final Message[] messages = new Message[SLOTS];
    private final ByteBuffer[] encoded = new ByteBuffer[SLOTS];

    EncodingMemo(Encoding encoding) {
        this.encoding = encoding;
    }

    /** A view of its own (own position) on the shared encoding of {@code message}. */
    synchronized ByteBuffer of(Message message) {
        int slot = (int) (message.id() % SLOTS);
        if (messages[slot] != message) {
            encoded[slot] = encoding.encode(message);
            messages[slot] = message;
        }
        return encoded[slot].duplicate();
    }
}
