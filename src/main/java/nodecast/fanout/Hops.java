package nodecast.fanout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one event of the log (a message, a clear, a resync) brings to the waiters and followers,
 * gathered by the thread each is served on and handed to each thread as one task. An IO thread
 * takes a lock to queue a task and another to run it, and may be woken for it: one task per thread
 * per message, not one per viewer, is what keeps thousands of viewers cheap.
 *
 * <p>Built on the thread that feeds the broadcaster, outside its lock, and {@link #send sent}
 * before the next event is built, so each thread runs the events in the log's order.
 */
final class Hops {
    private static final Logger LOG = LoggerFactory.getLogger(Hops.class);

    /** Few: one per IO thread, so a list scanned is quicker than a map. */
    private final List<Hop> hops = new ArrayList<>(4);

    /** Answers {@code waiter} with {@code answer} on its thread. */
    void deliver(Waiter waiter, Batch answer) {
        Hop hop = to(waiter.thread());
        hop.waiters.add(waiter);
        hop.answers.add(answer);
    }

    /** Makes {@code call} to each of {@code followers}, all served on {@code thread}. */
    void call(Executor thread, Follower[] followers, Consumer<Follower> call) {
        to(thread).calls.add(new Calls(Arrays.asList(followers), call));
    }

    /** Makes {@code call} to each of {@code followers}, on the thread of each. */
    void call(Follower[] followers, Consumer<Follower> call) {
        for (Follower follower : followers) {
            to(follower.thread()).calls.add(new Calls(List.of(follower), call));
        }
    }

    /** Hands each thread its task. */
    void send() {
        for (Hop hop : hops) {
            hop.thread.execute(hop);
        }
    }

    private Hop to(Executor thread) {
        for (Hop hop : hops) {
            if (hop.thread == thread) {
                return hop;
            }
        }
        Hop hop = new Hop(thread);
        hops.add(hop);
        return hop;
    }

    private record Calls(List<Follower> followers, Consumer<Follower> call) {
    }

    /** One thread's share of the event: its waiters answered, then its followers told. */
    private static final class Hop implements Runnable {
        final Executor thread;
        final List<Waiter> waiters = new ArrayList<>();
        final List<Batch> answers = new ArrayList<>();
        final List<Calls> calls = new ArrayList<>(1);

        Hop(Executor thread) {
            this.thread = thread;
        }

        /** One viewer's failure must not cost the others their message, as it would not when each had a task of its own. */
        @Override
        public void run() {
            for (int i = 0; i < waiters.size(); i++) {
                try {
                    waiters.get(i).deliver(answers.get(i));
                } catch (RuntimeException e) {
                    LOG.error("Answering a waiter failed", e);
                }
            }
            for (Calls each : calls) {
                for (Follower follower : each.followers()) {
                    try {
                        each.call().accept(follower);
                    } catch (RuntimeException e) {
                        LOG.error("Telling a stream failed", e);
                    }
                }
            }
        }
    }
}
