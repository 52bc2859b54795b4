package nodecast.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import nodecast.log.MemoryMessageLog;
import nodecast.log.Message;
import nodecast.metrics.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BroadcasterTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T10:00:00.123Z"), ZoneOffset.UTC);

    private final ExecutorService blocking = Executors.newFixedThreadPool(4);
    private MemoryMessageLog log;
    private Broadcaster broadcaster;

    private void start(int logCapacity, int tailCapacity, int batchLimit) {
        log = new MemoryMessageLog(logCapacity, CLOCK);
        broadcaster = new Broadcaster(log, blocking, new Metrics(), tailCapacity, batchLimit);
        log.start(broadcaster);
    }

    @AfterEach
    void stopThreads() {
        blocking.shutdownNow();
    }

    /** A waiter like a parked request: answered once, and able to time out, which races with delivery. */
    private final class Recorder implements Waiter {
        final CompletableFuture<Batch> answer = new CompletableFuture<>();
        final AtomicInteger calls = new AtomicInteger();
        private final AtomicBoolean finished = new AtomicBoolean();

        /** Answered on the thread that wakes it, as if every waiter shared that thread. */
        @Override
        public Executor thread() {
            return Runnable::run;
        }

        @Override
        public void deliver(Batch batch) {
            calls.incrementAndGet();
            if (finished.compareAndSet(false, true)) {
                answer.complete(batch);
            }
        }

        @Override
        public void fail(String reason) {
            calls.incrementAndGet();
            if (finished.compareAndSet(false, true)) {
                answer.completeExceptionally(new IllegalStateException(reason));
            }
        }

        @Override
        public boolean isFinished() {
            return finished.get();
        }

        void timeOut() {
            if (finished.compareAndSet(false, true)) {
                broadcaster.remove(this);
                answer.complete(broadcaster.emptyBatch());
            }
        }

        List<Long> ids() throws Exception {
            return answer.get(5, TimeUnit.SECONDS).messages().stream().map(Message::id).toList();
        }
    }

    private void publish(int count) {
        for (int i = 0; i < count; i++) {
            log.append("message " + i, null);
        }
    }

    @Test
    void a_waiter_parked_before_a_message_is_woken_by_it() throws Exception {
        start(100, 100, 1000);
        Recorder waiter = new Recorder();
        broadcaster.await(Start.at(0), waiter);
        assertFalse(waiter.answer.isDone());
        assertEquals(1, broadcaster.parkedCount());

        log.append("hello", null);

        assertEquals(List.of(0L), waiter.ids());
        assertEquals("hello", waiter.answer.get().messages().get(0).text());
        assertEquals("2026-11-23T10:00:00.123Z", waiter.answer.get().messages().get(0).time(), "time comes from the log's clock");
        assertEquals(0, broadcaster.parkedCount());
        assertEquals(1, waiter.calls.get());
    }

    @Test
    void a_waiter_asking_for_ids_already_published_is_answered_at_once_without_parking() throws Exception {
        start(100, 100, 1000);
        publish(3);
        Recorder waiter = new Recorder();
        broadcaster.await(Start.at(1), waiter);
        assertEquals(List.of(1L, 2L), waiter.ids());
        assertEquals(0, broadcaster.parkedCount());
    }

    @Test
    void every_waiter_for_the_same_ids_shares_one_encoded_answer() throws Exception {
        start(100, 100, 1000);
        List<Recorder> waiters = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Recorder waiter = new Recorder();
            broadcaster.await(Start.at(0), waiter);
            waiters.add(waiter);
        }
        log.append("one for all", null);
        Batch first = waiters.get(0).answer.get(5, TimeUnit.SECONDS);
        for (Recorder waiter : waiters) {
            assertSame(first, waiter.answer.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void a_waiter_that_timed_out_is_never_woken_and_leaves_nothing_behind() throws Exception {
        start(100, 100, 1000);
        Recorder waiter = new Recorder();
        broadcaster.await(Start.at(0), waiter);
        waiter.timeOut();
        assertEquals(0, broadcaster.parkedCount());
        log.append("too late", null);
        assertEquals(List.of(), waiter.ids());
        assertEquals(0, waiter.calls.get());
    }

    @Test
    void a_waiter_already_answered_is_not_parked() {
        start(100, 100, 1000);
        Recorder waiter = new Recorder();
        waiter.timeOut();
        broadcaster.await(Start.at(0), waiter);
        assertEquals(0, broadcaster.parkedCount());
    }

    @Test
    void a_waiter_for_a_future_id_waits_until_that_id_exists() throws Exception {
        start(100, 100, 1000);
        Recorder waiter = new Recorder();
        broadcaster.await(Start.at(2), waiter);
        publish(2);
        assertFalse(waiter.answer.isDone());
        publish(1);
        assertEquals(List.of(2L), waiter.ids());
    }

    @Test
    void ids_older_than_the_tail_are_read_from_the_log() throws Exception {
        start(100, 4, 1000);
        publish(10);
        Recorder waiter = new Recorder();
        broadcaster.await(Start.at(1), waiter);
        assertEquals(LongStream.range(1, 10).boxed().toList(), waiter.ids());
        Recorder reader = new Recorder();
        broadcaster.since(Start.at(0), reader);
        assertEquals(LongStream.range(0, 10).boxed().toList(), reader.ids());
    }

    @Test
    void an_answer_holds_at_most_the_batch_limit_and_the_rest_follows() throws Exception {
        start(100, 100, 3);
        publish(5);
        Recorder first = new Recorder();
        broadcaster.await(Start.at(0), first);
        assertEquals(List.of(0L, 1L, 2L), first.ids());
        Recorder second = new Recorder();
        broadcaster.await(Start.at(3), second);
        assertEquals(List.of(3L, 4L), second.ids());
    }

    @Test
    void after_a_clear_a_viewer_holding_an_old_id_gets_the_next_message() throws Exception {
        start(100, 100, 1000);
        publish(3);
        log.clear();
        Recorder reader = new Recorder();
        broadcaster.since(Start.at(0), reader);
        assertEquals(List.of(), reader.ids());

        Recorder waiter = new Recorder();
        broadcaster.await(Start.at(1), waiter);
        log.append("after the clear", null);
        assertEquals(List.of(3L), waiter.ids(), "ids carry on after a clear");
    }

    @Test
    void a_message_that_lands_while_the_log_is_read_is_not_missed() throws Exception {
        // Tail of 1: a waiter at id 0 must go through a log read, while publishers keep appending.
        start(1_000, 1, 1000);
        publish(2);
        for (int round = 0; round < 200; round++) {
            long next = log.since(0, 1).nextId();
            Recorder waiter = new Recorder();
            broadcaster.await(Start.at(next), waiter);
            Thread publisher = new Thread(() -> log.append("racing", null));
            publisher.start();
            assertEquals(List.of(next), waiter.ids(), "round " + round);
            publisher.join();
        }
        assertEquals(0, broadcaster.parkedCount());
    }

    /**
     * Many viewers follow ids as the page does while several publishers append and timeouts
     * fire at random: every viewer sees every message exactly once, in order, and nothing stays parked.
     */
    @Test
    void under_load_every_viewer_gets_every_message_exactly_once_in_order() throws Exception {
        start(10_000, 10_000, 1000);
        int viewers = 64;
        int publishers = 4;
        int perPublisher = 250;
        int total = publishers * perPublisher;
        ExecutorService threads = Executors.newFixedThreadPool(viewers + publishers + 1);
        AtomicBoolean running = new AtomicBoolean(true);
        List<Recorder> parked = java.util.Collections.synchronizedList(new ArrayList<>());
        try {
            List<CompletableFuture<List<Long>>> seen = new ArrayList<>();
            for (int v = 0; v < viewers; v++) {
                seen.add(CompletableFuture.supplyAsync(() -> {
                    List<Long> ids = new ArrayList<>();
                    long next = 0;
                    while (next < total) {
                        Recorder waiter = new Recorder();
                        parked.add(waiter);
                        broadcaster.await(Start.at(next), waiter);
                        try {
                            for (long id : waiter.ids()) {
                                ids.add(id);
                                next = id + 1;
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        assertTrue(waiter.calls.get() <= 1, "delivered twice");
                    }
                    return ids;
                }, threads));
            }
            // Timeouts firing at random, racing the deliveries.
            CompletableFuture<Void> timeouts = CompletableFuture.runAsync(() -> {
                while (running.get()) {
                    synchronized (parked) {
                        if (!parked.isEmpty()) {
                            parked.get(ThreadLocalRandom.current().nextInt(parked.size())).timeOut();
                        }
                    }
                    // A pause, not a spin: timed out without one, viewers on two busy cores spent most of their
                    // time starting again, and the test took 15 to 30 s against its 30 s bound (still about a
                    // hundred timeouts win a race with a delivery per run).
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(50));
                }
            }, threads);
            List<CompletableFuture<Void>> publishing = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                publishing.add(CompletableFuture.runAsync(() -> publish(perPublisher), threads));
            }
            CompletableFuture.allOf(publishing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

            List<Long> expected = LongStream.range(0, total).boxed().toList();
            for (CompletableFuture<List<Long>> viewer : seen) {
                assertEquals(expected, viewer.get(30, TimeUnit.SECONDS));
            }
            running.set(false);
            timeouts.get(5, TimeUnit.SECONDS);
            assertEquals(0, broadcaster.parkedCount(), "no waiter left behind");
        } finally {
            running.set(false);
            threads.shutdownNow();
        }
    }
}
