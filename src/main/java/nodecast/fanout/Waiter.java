package nodecast.fanout;

import java.util.concurrent.Executor;

/**
 * A request waiting for messages. The broadcaster calls it from any thread, possibly more
 * than once in a race (a message and a log read answering together); the implementation
 * answers the first call and ignores the rest. Calls must not block.
 */
public interface Waiter {
    /**
     * The thread the answer is written on. A message wakes waiters in one task per thread, so
     * {@link #deliver} finds itself there, rather than each waiter hopping there on its own.
     */
    Executor thread();

    void deliver(Batch batch);

    /** The log could not be read; the request should be answered 503. */
    void fail(String reason);

    /** Already answered (or gone): the broadcaster must not park it. */
    boolean isFinished();
}
