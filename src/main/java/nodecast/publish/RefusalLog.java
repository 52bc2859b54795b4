package nodecast.publish;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per refused publish or clear, written by a thread of its own: the simple logger
 * writes to standard error synchronously, and a refusal is decided on an IO thread, which must
 * never wait for a slow terminal or pipe. Rate refusals, which come in floods, are logged at
 * debug level, the others at info. When lines come faster than they are written, the queue's
 * overflow is dropped and counted, and the count is logged once before the next line.
 */
public final class RefusalLog {
    private final Logger log;
    private final AtomicLong dropped = new AtomicLong();
    /** One thread, started when there is a line to write and gone after a few idle seconds, so nothing needs closing. */
    private final ThreadPoolExecutor writer;

    public RefusalLog() {
        this(LoggerFactory.getLogger(RefusalLog.class), 1_024);
    }

    public RefusalLog(Logger log, int queuedLines) {
        this.log = log;
        this.writer = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queuedLines), RefusalLog::daemon, (line, pool) -> dropped.incrementAndGet());
        writer.allowCoreThreadTimeOut(true);
    }

    /** Queues the line for {@code refusal} of a request from {@code client}; never blocks. */
    void refused(Object client, Refusal refusal) {
        boolean flood = refusal.status() == 429;
        if (flood ? log.isDebugEnabled() : log.isInfoEnabled()) {
            writer.execute(() -> write(client, refusal, flood));
        }
    }

    private void write(Object client, Refusal refusal, boolean flood) {
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            log.warn("{} refusals were not logged: they came faster than the log could write them", lost);
        }
        if (flood) {
            log.debug("refused a publish from {}: {}", client, refusal.reason());
        } else {
            log.info("refused a publish from {}: {} {}", client, refusal.status(), refusal.reason());
        }
    }

    private static Thread daemon(Runnable task) {
        Thread thread = new Thread(task, "nodecast-refusal-log");
        thread.setDaemon(true);
        return thread;
    }
}
