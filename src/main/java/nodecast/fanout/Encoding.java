package nodecast.fanout;

import java.nio.ByteBuffer;
import nodecast.log.Message;

/** How a streaming transport writes one message. A constant per transport: it keys the encodings {@link Broadcaster#encoded} shares. */
@FunctionalInterface
public interface Encoding {
    /** {@code message} of log {@code log}, as a read-only buffer, ready to be written to any number of sockets. */
    ByteBuffer encode(String log, Message message);
}
