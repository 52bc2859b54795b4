package nodecast.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The viewers, spread over several worker processes (each may open only so many sockets), each
 * worker binding to its own loopback source addresses 127.0.0.x so no address runs out of ports.
 */
final class LoadGenerator implements AutoCloseable {
    /** Source addresses per worker: 28,000 ephemeral ports each is far more than a worker opens. */
    private static final int ADDRESSES_PER_WORKER = 4;
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

    private final List<WorkerProcess> workers;
    private int viewers;

    private LoadGenerator(List<WorkerProcess> workers) {
        this.workers = workers;
    }

    static LoadGenerator start(Children children, int workerCount, Path logDir) throws IOException {
        List<WorkerProcess> workers = new ArrayList<>();
        for (int w = 0; w < workerCount; w++) {
            List<String> sources = new ArrayList<>();
            for (int a = 0; a < ADDRESSES_PER_WORKER; a++) {
                sources.add("127.0.0." + (2 + w * ADDRESSES_PER_WORKER + a));
            }
            workers.add(WorkerProcess.start(children, sources, logDir.resolve("worker-" + w + ".log")));
        }
        return new LoadGenerator(workers);
    }

    /** What opening viewers achieved: how many are now connected and polling (or streaming), and how many connects failed (or streams were refused). */
    record Opened(int viewers, int failed) {
    }

    /** Adds nodecast's minimal viewers, shared evenly between workers, until there are {@code total}; each first asks for {@code fromId}. */
    Opened openUpTo(int total, int port, long fromId, Duration timeout) {
        return openUpTo(total, port, ViewerStyle.NODECAST_MINIMAL, fromId, timeout);
    }

    /** Adds viewers of {@code style}, shared evenly between workers, until there are {@code total}; each counts from {@code fromId}. */
    Opened openUpTo(int total, int port, ViewerStyle style, long fromId, Duration timeout) {
        return openUpTo(total, port, style, fromId, ChannelSpread.NONE, timeout);
    }

    /** Opens {@code total} of nodecast's minimal viewers spread over channels by {@code spread}, each from id 0; none may be open. */
    Opened openOn(ChannelSpread spread, int total, int port, Duration timeout) {
        if (viewers != 0) {
            throw new IllegalStateException("viewers of another spread are still open");
        }
        return openUpTo(total, port, ViewerStyle.NODECAST_MINIMAL, 0, spread, timeout);
    }

    private Opened openUpTo(int total, int port, ViewerStyle style, long fromId, ChannelSpread spread, Duration timeout) {
        int toAdd = total - viewers;
        int first = viewers;
        for (int w = 0; w < workers.size(); w++) {
            int share = toAdd / workers.size() + (w < toAdd % workers.size() ? 1 : 0);
            workers.get(w).send("open " + share + " " + port + " " + fromId + " " + timeout.toMillis() + " " + style.name()
                    + " " + spread.channels() + " " + first);
            first += share;
        }
        int connected = 0;
        int failed = 0;
        for (WorkerProcess worker : workers) {
            String[] words = worker.expect("opened", timeout.plus(REPLY_TIMEOUT));
            connected += Integer.parseInt(words[1]);
            failed += Integer.parseInt(words[2]);
        }
        viewers = connected;
        return new Opened(connected, failed);
    }

    void timing(boolean on) {
        workers.forEach(w -> w.send("timing " + (on ? "on" : "off")));
        workers.forEach(w -> w.expect("ok", REPLY_TIMEOUT));
    }

    /** Waits until every viewer has message {@code id}, or {@code timeout}; returns how many have it. */
    int await(long id, Duration timeout) {
        workers.forEach(w -> w.send("await " + id + " " + timeout.toMillis()));
        int reached = 0;
        int alive = 0;
        for (WorkerProcess worker : workers) {
            String[] words = worker.expect("reached", timeout.plus(REPLY_TIMEOUT));
            reached += Integer.parseInt(words[2]);
            alive += Integer.parseInt(words[3]);
        }
        viewers = alive;
        return reached;
    }

    /** What the viewers saw since the last report. */
    record Report(Map<ChannelMessage, List<Long>> arrivals, long delivered, long duplicated, long skipped,
            long errors, long emptyAnswers, long responses, int viewers) {
    }

    Report report() {
        workers.forEach(w -> w.send("report"));
        Map<ChannelMessage, List<Long>> arrivals = new HashMap<>();
        long[] counts = new long[7];
        for (WorkerProcess worker : workers) {
            for (String[] words : worker.until("end", REPLY_TIMEOUT)) {
                if (words[0].equals("arrivals")) {
                    ChannelMessage message = new ChannelMessage(Integer.parseInt(words[1]), Long.parseLong(words[2]));
                    List<Long> times = arrivals.computeIfAbsent(message, m -> new ArrayList<>());
                    for (int i = 3; i < words.length; i++) {
                        times.add(Long.parseLong(words[i]));
                    }
                } else if (words[0].equals("counts")) {
                    for (int i = 0; i < counts.length; i++) {
                        counts[i] += Long.parseLong(words[i + 1]);
                    }
                }
            }
        }
        viewers = (int) counts[6];
        return new Report(arrivals, counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], (int) counts[6]);
    }

    void closeViewers() {
        workers.forEach(w -> w.send("close"));
        workers.forEach(w -> w.expect("closed", REPLY_TIMEOUT));
        viewers = 0;
    }

    int viewers() {
        return viewers;
    }

    /** CPU time of every worker process so far, in milliseconds. */
    long cpuMillis() {
        return workers.stream().mapToLong(w -> Proc.cpuMillis(w.pid())).sum();
    }

    @Override
    public void close() {
        workers.forEach(WorkerProcess::close);
    }
}
