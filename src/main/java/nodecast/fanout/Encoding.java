package nodecast.fanout;

import java.nio.ByteBuffer;
import nodecast.log.Message;

/** How a streaming transport writes one message. A constant per transport: it keys the encodings {@link Broadcaster#encoded} shares. */
@FunctionalInterface
public interface Encoding {
    /** A read-only buffer, ready to be written to any number of sockets. */
    ByteBuffer encode(Message message);
}
