package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import nodecast.FuzzCase.Expect;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;

/**
 * Thousands of generated requests, ordinary and odd, written as raw HTTP/1.1 over sockets from
 * several threads at once. Each must get a complete answer that is not a 5xx, within the wait
 * timeout plus two seconds; only broken framing and oversized heads may be answered by closing
 * the connection instead. Afterwards the log must hold exactly the publishes that were
 * acknowledged, and the server must still park a viewer and wake it.
 *
 * <p>Every request is drawn from one seed, printed with any failure; replay a failure with
 * {@code -Dnodecast.fuzz.seed=N}. Publishes are judged by {@link PublishOracle}, an independent
 * reading of the README's rules, so a request the server should refuse but stores is caught too.
 * The summary (counts, statuses, closed connections) goes to {@code target/fuzz-report.txt}.
 *
 * <p>The parts: {@link FuzzRequests} draws the cases ({@link FuzzCase}), this class sends them and
 * reads the answers with {@link RawResponseReader}, {@link FuzzChecks} finds the problems in each
 * {@link FuzzOutcome}, and {@link FuzzReport} tells the run.
 */
class FuzzTest {
    static final long SEED = Long.getLong("nodecast.fuzz.seed", 20_261_125L);
    static final Duration WAIT = Duration.ofMillis(300);
    /** No request may take longer than this from its first byte sent to its answer's last byte received. */
    static final long BOUND_MILLIS = WAIT.toMillis() + 2_000;
    static final int THREADS = 16;

    @Test
    void thousands_of_odd_requests_are_each_answered_or_closed_in_time_and_store_only_valid_publishes() throws Exception {
        try (TestServer s = TestServer.start(TestServer.config(null, WAIT, 0), Clock.systemUTC())) {
            String logId = s.get("/since?id=0").headers().firstValue("X-Nodecast-Log").orElseThrow();
            List<FuzzCase> cases = new FuzzRequests(new Random(SEED), logId, s.port()).all();
            String replay = "seed " + SEED + " (replay: mvn -q -B test -Dtest=FuzzTest -Dnodecast.fuzz.seed=" + SEED + ")";

            long started = System.nanoTime();
            List<FuzzOutcome> outcomes = runAll(s.port(), cases);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;

            Map<Long, String> stored = new ConcurrentHashMap<>();
            Map<Integer, List<String>> problems = new TreeMap<>();
            for (FuzzOutcome outcome : outcomes) {
                List<String> found = FuzzChecks.check(outcome, stored);
                if (!found.isEmpty()) {
                    problems.put(outcome.c().number(), found);
                }
            }
            String report = FuzzReport.summary(outcomes, stored, tookMillis);
            Files.writeString(Path.of("target", "fuzz-report.txt"), report);
            System.out.println(report);
            assertTrue(problems.isEmpty(), () -> replay + "\n" + FuzzReport.problems(problems, outcomes));

            awaitParked(s, 0, "parked requests did not return to 0 after the fuzz; " + replay);
            List<Message> log = allMessages(s);
            List<Message> expected = new ArrayList<>();
            new TreeMap<>(stored).forEach((id, text) -> expected.add(new Message(id, text, null)));
            assertEquals(expected.stream().map(m -> m.id() + ":" + m.text()).toList(),
                    log.stream().map(m -> m.id() + ":" + m.text()).toList(),
                    "the log must hold exactly the acknowledged publishes, in id order; " + replay);
            for (int i = 0; i < log.size(); i++) {
                assertEquals(i, log.get(i).id(), "no refused request may use up an id; " + replay);
            }

            CompletableFuture<HttpResponse<String>> viewer = CompletableFuture.supplyAsync(() -> s.get("/wait?id=" + log.size()));
            awaitParked(s, 1, "a /wait after the fuzz never parked; " + replay);
            Message last = s.publish("after the fuzz");
            assertEquals(log.size(), last.id(), replay);
            assertEquals(List.of(last), TestServer.messages(viewer.get(5, TimeUnit.SECONDS)), replay);
            awaitParked(s, 0, "the woken viewer stayed parked; " + replay);
            assertEquals(200, s.get("/healthz").statusCode(), replay);
            assertEquals(200, s.get("/readyz").statusCode(), replay);
        }
    }

    // ---- running ----

    private static List<FuzzOutcome> runAll(int port, List<FuzzCase> cases) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor();
        try {
            List<Future<FuzzOutcome>> futures = new ArrayList<>();
            for (FuzzCase c : cases) {
                futures.add(pool.submit(() -> run(port, c, watchdog)));
            }
            List<FuzzOutcome> outcomes = new ArrayList<>();
            for (Future<FuzzOutcome> future : futures) {
                outcomes.add(future.get(2, TimeUnit.MINUTES));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            watchdog.shutdownNow();
        }
    }

    private static FuzzOutcome run(int port, FuzzCase c, ScheduledExecutorService watchdog) {
        List<RawResponse> responses = new ArrayList<>();
        long started = System.nanoTime();
        AtomicBoolean killed = new AtomicBoolean();
        try (Socket socket = new Socket()) {
            // Big enough for every body drawn, so a server that stops reading cannot block the write.
            socket.setSendBufferSize(1 << 20);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            // A backstop for a write or read that would block past the bound despite the read timeout.
            ScheduledFuture<?> guard = watchdog.schedule(() -> {
                killed.set(true);
                closeQuietly(socket);
            }, c.boundMillis() + 1_000, TimeUnit.MILLISECONDS);
            RawResponseReader in = new RawResponseReader(socket, started + c.boundMillis() * 1_000_000);
            try {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < c.parts().size(); i++) {
                    if (i > 0) {
                        Thread.sleep(c.pauseMillis());
                    }
                    try {
                        out.write(c.parts().get(i));
                        out.flush();
                    } catch (IOException e) {
                        break; // the server may close while we still write; what it answered is still readable
                    }
                }
                if (c.halfClose()) {
                    try {
                        socket.shutdownOutput();
                    } catch (IOException ignored) {
                        // already closed by the server
                    }
                }
                for (Expect expect : c.expects()) {
                    RawResponse response;
                    try {
                        response = in.next(expect.method());
                    } catch (SocketException e) {
                        if (killed.get()) {
                            throw new SocketTimeoutException("killed by the watchdog");
                        }
                        if (in.started) {
                            throw new EOFException("connection reset mid-answer: " + e.getMessage());
                        }
                        return new FuzzOutcome(c, responses, "reset", null, millisSince(started));
                    }
                    if (response == null) {
                        return new FuzzOutcome(c, responses, "closed", null, millisSince(started));
                    }
                    responses.add(response);
                }
                return new FuzzOutcome(c, responses, "answered", null, millisSince(started));
            } finally {
                guard.cancel(false);
            }
        } catch (SocketTimeoutException e) {
            return new FuzzOutcome(c, responses, "timeout", "no complete answer within " + c.boundMillis() + " ms (" + e.getMessage() + ")", millisSince(started));
        } catch (IOException e) {
            return new FuzzOutcome(c, responses, "broken", "broken answer: " + e, millisSince(started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new FuzzOutcome(c, responses, "interrupted", "interrupted", millisSince(started));
        }
    }

    private static long millisSince(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    // ---- the server afterwards ----

    private static void awaitParked(TestServer s, int count, String message) {
        long deadline = System.nanoTime() + Duration.ofMillis(BOUND_MILLIS).toNanos();
        while (s.server.broadcaster().parkedCount() != count) {
            assertTrue(System.nanoTime() < deadline, message + " (parked: " + s.server.broadcaster().parkedCount() + ")");
            Thread.onSpinWait();
        }
    }

    private static List<Message> allMessages(TestServer s) {
        List<Message> all = new ArrayList<>();
        while (true) {
            long from = all.isEmpty() ? 0 : all.get(all.size() - 1).id() + 1;
            List<Message> page = TestServer.messages(s.get("/since?id=" + from));
            if (page.isEmpty()) {
                return all;
            }
            all.addAll(page);
        }
    }
}
