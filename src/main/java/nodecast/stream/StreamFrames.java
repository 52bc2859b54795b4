package nodecast.stream;

import java.nio.ByteBuffer;
import nodecast.fanout.Encoding;

/** How one transport writes what a stream tells its viewer: each a read-only buffer, ready for any number of sockets. */
interface StreamFrames {
    /** A message; a constant per transport, so each message is encoded once for all its streams. */
    Encoding message();

    /**
     * The first frame of every stream: the log its ids belong to, the id of the next message it
     * will send, and the keepalive period in seconds: the longest a healthy stream stays silent.
     */
    ByteBuffer hello(String log, long next, Number keepaliveSeconds);

    /** The ids from {@code from} were trimmed or cleared: the next message sent is {@code next} or later. */
    ByteBuffer gap(long from, long next);

    /** The channel was cleared: every id below {@code next} is gone. */
    ByteBuffer clear(long next);

    /** The log the ids belonged to is gone: what follows is log {@code log} from 0. */
    ByteBuffer reset(String log);

    /** What keeps a quiet stream alive, and shows a page's script that it is: sent only when nothing waits to be written. */
    ByteBuffer keepalive();
}
