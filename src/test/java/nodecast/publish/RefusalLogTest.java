package nodecast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class RefusalLogTest {

    /** Hands each line, with its level and the thread that wrote it, to the test; the first one only once {@code release} is counted down. */
    private static final class RecordingLogger extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        final transient BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final transient CountDownLatch writing = new CountDownLatch(1);
        final transient CountDownLatch release;

        RecordingLogger(boolean held) {
            release = new CountDownLatch(held ? 1 : 0);
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String format, Object[] args, Throwable error) {
            writing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(Thread.currentThread().getName() + " " + level + " " + MessageFormatter.basicArrayFormat(format, args));
        }

        String next() throws InterruptedException {
            String line = lines.poll(5, TimeUnit.SECONDS);
            assertTrue(line != null, "no line was written");
            return line;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        public boolean isTraceEnabled() {
            return true;
        }

        @Override
        public boolean isDebugEnabled() {
            return true;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }
    }

    @Test
    void refusals_are_written_by_a_thread_of_their_own_in_order_rate_refusals_at_debug() throws Exception {
        RecordingLogger logger = new RecordingLogger(false);
        RefusalLog log = new RefusalLog(logger, 16);
        log.refused("/192.0.2.1:5000", new Refusal(401, "the publisher key is missing or wrong"));
        log.refused("/192.0.2.1:5000", new Refusal(429, "too many publishes from your address; try again in 1 s"));
        assertEquals("nodecast-refusal-log INFO refused a publish from /192.0.2.1:5000: 401 the publisher key is missing or wrong", logger.next());
        assertEquals("nodecast-refusal-log DEBUG refused a publish from /192.0.2.1:5000: too many publishes from your address; try again in 1 s",
                logger.next());
    }

    @Test
    void when_the_writer_falls_behind_the_overflow_is_dropped_without_waiting_and_counted_in_one_line() throws Exception {
        RecordingLogger logger = new RecordingLogger(true);
        RefusalLog log = new RefusalLog(logger, 2);
        log.refused("a", new Refusal(400, "first"));
        assertTrue(logger.writing.await(5, TimeUnit.SECONDS), "the writer took the first line");
        for (String reason : List.of("queued 1", "queued 2", "dropped 1", "dropped 2", "dropped 3")) {
            log.refused("a", new Refusal(400, reason)); // returns at once although the writer is stuck
        }
        logger.release.countDown();
        assertTrue(logger.next().endsWith("400 first"));
        assertEquals("nodecast-refusal-log WARN 3 refusals were not logged: they came faster than the log could write them", logger.next());
        assertTrue(logger.next().endsWith("400 queued 1"));
        assertTrue(logger.next().endsWith("400 queued 2"));
        assertNull(logger.lines.poll(100, TimeUnit.MILLISECONDS), "the count is said once");
    }
}
