package nodecast.stream;

import java.nio.ByteBuffer;
import nodecast.fanout.Encoding;

/**
 * How one transport writes what a stream tells its viewer: each a read-only buffer, ready for any
 * number of sockets. Each names the log and where the stream goes on, for a transport whose
 * client resumes from what it last got ({@link EventId}).
 */
interface StreamFrames {
    /** A message; a constant per transport, so each message is encoded once for all its streams. */
    Encoding message();

    /**
     * The first frame of every stream: the log its ids belong to, the id of the next message it
     * will send, and the keepalive period in seconds: the longest a healthy stream stays silent.
     */
    ByteBuffer hello(String log, long next, Number keepaliveSeconds);

    /** The ids of log {@code log} from {@code from} were trimmed or cleared: the next message sent is {@code next} or later. */
    ByteBuffer gap(String log, long from, long next);

    /** Log {@code log} was cleared: every id below {@code next} is gone; the stream goes on from {@code resumeAt}. */
    ByteBuffer clear(String log, long next, long resumeAt);

    /** The log the ids belonged to is gone: what follows is log {@code log} from 0. */
    ByteBuffer reset(String log);

    /** What keeps a quiet stream alive, and shows a page's script that it is: sent only when nothing waits to be written. */
    ByteBuffer keepalive();
}
