package nodecast.fanout;

import java.util.concurrent.Executor;
import nodecast.log.Message;

/**
 * A stream following a channel. It takes what it lacks with {@link Broadcaster#pull}; once a
 * pull finds nothing it is live, and the broadcaster pushes it every new message.
 *
 * <p>{@link #onMessage}, {@link #onCleared} and {@link #onResync} are called on {@link #thread()},
 * in the log's order: the broadcaster hands each thread one task per event for all the followers
 * and waiters it serves there. {@link #end} comes from whichever thread shuts down. None may
 * block. Each call names the log it is about, so a follower that has moved on to a new log can
 * ignore what is still on its way from the old one.
 */
public interface Follower {

    /** The thread the follower's state lives on (its connection's IO thread): a FIFO executor. */
    Executor thread();

    /** The next message of log {@code logId}: to live followers only. */
    void onMessage(String logId, Message message);

    /** Every message of log {@code logId} below {@code nextId} is gone: the channel was cleared. */
    void onCleared(String logId, long nextId);

    /**
     * The broadcaster read the log afresh (its first sync, a resync, or a new log): it pushes to
     * this follower no more, and the follower pulls again from where it is.
     */
    void onResync();

    /** The broadcaster serves no one any more (shutdown, or its channel dropped): the stream ends. */
    void end();
}
