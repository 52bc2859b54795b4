package nodecast.log.redis;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import nodecast.log.LogUnavailableException;
import nodecast.log.UncertainWriteException;
import redis.clients.jedis.HostAndPort;

/**
 * Turns one write's attempts into an answer that tells the truth. A first attempt that Redis
 * refused, or that never reached it, stored nothing. One whose answer was lost, or that no
 * replica confirmed, is tried again on a fresh connection (to wherever the slot is now) under the
 * same attempt token, which the scripts remember, so a retry finds out what the first did and
 * never does it twice; until it knows, or the window has passed. A retry that does not reach Redis
 * tells nothing about the first, so it does not end the tries; nor does one that Redis refuses,
 * unless a server other than the first one's (its successor after a failover, the master now)
 * refused it and holds no trace of the token: then the first attempt died with the server it was
 * sent to, whose data its successor replaces when it comes back, and nothing is stored.
 */
final class WriteRetries {
    private static final long PAUSE_MILLIS = 100;

    private final RedisTopology topology;
    private final Duration window;

    WriteRetries(RedisTopology topology, Duration window) {
        this.topology = topology;
        this.window = window;
    }

    /**
     * Runs {@code attempt} until it is confirmed; throws when it is not, saying what is known.
     * {@code tokenHeld} asks the master now whether it holds the write's token.
     */
    <T> T run(Supplier<WriteAttempt<T>> attempt, BooleanSupplier tokenHeld) {
        long deadline = System.nanoTime() + window.toNanos();
        boolean done = false;
        HostAndPort first = null;
        for (int number = 0; ; number++) {
            WriteAttempt<T> tried = attempt.get();
            switch (tried.outcome()) {
                case CONFIRMED -> {
                    return tried.result();
                }
                case NOT_REPLICATED -> done = true;
                case REFUSED, NOT_SENT -> {
                    if (number == 0) {
                        throw new LogUnavailableException(tried.reason(), tried.cause());
                    }
                    if (!done && tried.outcome() == WriteAttempt.Outcome.REFUSED && tried.server() != null && first != null
                            && !tried.server().equals(first) && !held(tokenHeld)) {
                        throw new LogUnavailableException(tried.reason() + " (the master that took the first attempt failed before any"
                                + " replica had it)", tried.cause());
                    }
                }
                case ANSWER_LOST -> {
                    // the next attempt finds out
                }
            }
            if (number == 0) {
                first = tried.server();
            }
            if (deadline - System.nanoTime() < PAUSE_MILLIS * 1_000_000) {
                throw done ? new UncertainWriteException(UncertainWriteException.Doubt.NOT_REPLICATED, tried.reason(), tried.cause())
                        : new UncertainWriteException(UncertainWriteException.Doubt.ANSWER_LOST, tried.reason(), tried.cause());
            }
            pause();
            topology.slotMoved(); // after a failover the slot's new master is where the next attempt goes
        }
    }

    /** Whether the master now holds the token; true when it cannot be asked, so nothing is concluded from the silence. */
    private static boolean held(BooleanSupplier tokenHeld) {
        try {
            return tokenHeld.getAsBoolean();
        } catch (LogUnavailableException e) {
            return true;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncertainWriteException(UncertainWriteException.Doubt.ANSWER_LOST, "interrupted while finding out", e);
        }
    }
}
