package nodecast.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import nodecast.log.MemoryMessageLog;
import nodecast.log.Message;
import nodecast.metrics.Metrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Waiters and followers served on several threads, as on a server's IO threads: each thread gets
 * one task per message, and every viewer still gets every message once, in order, while
 * publishers append from several threads and timeouts race the messages.
 */
class FanOutThreadsTest {
    private final ExecutorService blocking = Executors.newFixedThreadPool(2);
    private final List<IoThread> ioThreads = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private MemoryMessageLog log;
    private Broadcaster broadcaster;

    private void start(int ioThreadCount) {
        log = new MemoryMessageLog(100_000, Clock.systemUTC());
        // Answers of 16 messages at most, encoded on the thread that asks: a viewer far behind that
        // times out every few milliseconds would otherwise queue encodings on the blocking threads
        // faster than they finish, and never get an answer before its next timeout.
        broadcaster = new Broadcaster(log, blocking, new Metrics(), 100_000, 16);
        log.start(broadcaster);
        for (int i = 0; i < ioThreadCount; i++) {
            ioThreads.add(new IoThread());
        }
    }

    @AfterEach
    void stopThreads() {
        blocking.shutdownNow();
        ioThreads.forEach(thread -> thread.timers.shutdownNow());
    }

    /** A stand-in for an IO thread: one thread, tasks in order, timers on it; counts the tasks it is handed. */
    private static final class IoThread implements Executor {
        final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        final AtomicInteger tasks = new AtomicInteger();
        final Thread thread;

        IoThread() {
            try {
                thread = timers.submit(Thread::currentThread).get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void execute(Runnable task) {
            tasks.incrementAndGet();
            timers.execute(task);
        }

        /** Runs {@code task} now if this is the thread, else as a task of its own, as an answer hops to its IO thread. */
        void onThread(Runnable task) {
            if (Thread.currentThread() == thread) {
                task.run();
            } else {
                execute(task);
            }
        }
    }

    /** A long-poll viewer as the page runs it: asks from the id after its last, again and again, each wait timed out at random. */
    private final class Poller {
        final IoThread io;
        final long total;
        final CompletableFuture<List<Long>> done = new CompletableFuture<>();
        final List<Long> ids = new ArrayList<>();
        long next;

        Poller(IoThread io, long total) {
            this.io = io;
            this.total = total;
        }

        /** On its thread. */
        void poll() {
            if (next >= total) {
                done.complete(ids);
                return;
            }
            Wait wait = new Wait(this);
                        wait.timer = io.timers.schedule(wait::timedOut, ThreadLocalRandom.current().nextInt(0, 3_000), TimeUnit.MICROSECONDS);
            broadcaster.await(Start.at(next), wait);
        }

        void take(Batch batch) {
            for (Message message : batch.messages()) {
                if (message.id() != next) {
                    problems.add("a poller expecting " + next + " got " + message.id());
                }
                ids.add(message.id());
                next = message.id() + 1;
            }
        }
    }

    /** One parked request of a poller: a message, its timeout or nothing, once, on the poller's thread. */
    private final class Wait implements Waiter {
        final Poller poller;
        final AtomicBoolean finished = new AtomicBoolean();
        ScheduledFuture<?> timer;

        Wait(Poller poller) {
            this.poller = poller;
        }

        @Override
        public Executor thread() {
            return poller.io;
        }

        @Override
        public void deliver(Batch batch) {
            if (finished.compareAndSet(false, true)) {
                poller.io.onThread(() -> {
                    timer.cancel(false);
                    poller.take(batch);
                    poller.poll();
                });
            }
        }

        @Override
        public void fail(String reason) {
            problems.add("a wait failed: " + reason);
        }

        @Override
        public boolean isFinished() {
            return finished.get();
        }

        /** On the poller's thread, racing deliver. */
        void timedOut() {
            if (finished.compareAndSet(false, true)) {
                broadcaster.remove(this);
                poller.poll();
            }
        }
    }

    /** A stream as {@code ChannelStream} follows the channel: pulls until live, then takes pushes, all on its thread. */
    private final class Stream implements Follower {
        final IoThread io;
        final List<Long> ids = new ArrayList<>();
        final CompletableFuture<List<Long>> done = new CompletableFuture<>();
        final long total;
        long next;
        boolean live;

        Stream(IoThread io, long total) {
            this.io = io;
            this.total = total;
        }

        @Override
        public Executor thread() {
            return io;
        }

        /** On its thread. */
        void pull() {
            Catchup found = broadcaster.pull(this, Start.at(next), broadcaster.logId(), 8);
            if (found == null) {
                return;
            }
            found.messages().forEach(this::take);
            if (found.isLive()) {
                live = true;
            } else {
                io.execute(this::pull);
            }
        }

        @Override
        public void onMessage(String logId, Message message) {
            if (Thread.currentThread() != io.thread) {
                problems.add("a push came on " + Thread.currentThread().getName());
            }
            if (!live) {
                problems.add("a push came to a stream catching up");
            }
            take(message);
        }

        private void take(Message message) {
            if (message.id() != next) {
                problems.add("a stream expecting " + next + " got " + message.id());
            }
            ids.add(message.id());
            next = message.id() + 1;
            if (next == total) {
                done.complete(ids);
            }
        }

        @Override
        public void onCleared(String logId, long nextId) {
            problems.add("cleared");
        }

        @Override
        public void onResync() {
            io.execute(this::pull);
        }

        @Override
        public void end() {
            problems.add("ended");
        }
    }

    private void publishFrom(int publishers, int each) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(publishers);
        try {
            List<CompletableFuture<Void>> publishing = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                publishing.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < each; i++) {
                        log.append("message", null);
                        if (i % 16 == 0) {
                            Thread.yield();
                        }
                    }
                }, threads));
            }
            CompletableFuture.allOf(publishing.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void each_thread_gets_one_task_per_message_however_many_viewers_it_serves() throws Exception {
        start(3);
        List<Stream> streams = new ArrayList<>();
        List<Poller> pollers = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            IoThread io = ioThreads.get(i % ioThreads.size());
            Stream stream = new Stream(io, 1);
            streams.add(stream);
            io.execute(stream::pull);
            Poller poller = new Poller(io, 1);
            pollers.add(poller);
            io.timers.execute(() -> {
                Wait wait = new Wait(poller);
                wait.timer = io.timers.schedule(() -> { }, 1, TimeUnit.DAYS);
                broadcaster.await(Start.at(0), wait);
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (broadcaster.parkedCount() < 300 || !streams.stream().allMatch(stream -> stream.live)) {
            assertTrue(System.nanoTime() < deadline, "the viewers never all settled");
            Thread.sleep(1);
        }
        ioThreads.forEach(io -> io.tasks.set(0));

        log.append("one for all", null);

        for (Stream stream : streams) {
            assertEquals(List.of(0L), stream.done.get(5, TimeUnit.SECONDS));
        }
        for (Poller poller : pollers) {
            assertEquals(List.of(0L), poller.done.get(5, TimeUnit.SECONDS));
        }
        for (IoThread io : ioThreads) {
            assertEquals(1, io.tasks.get(), "tasks handed to one thread for one message to its 100 streams and 100 waiters");
        }
        assertEquals(List.of(), List.copyOf(problems));
    }

    @Test
    void under_load_on_several_threads_every_viewer_gets_every_message_once_in_order_and_nothing_stays_parked() throws Exception {
        start(4);
        int publishers = 4;
        int each = 500;
        long total = (long) publishers * each;
        List<Stream> streams = new ArrayList<>();
        List<Poller> pollers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            IoThread io = ioThreads.get(i % ioThreads.size());
            Stream stream = new Stream(io, total);
            streams.add(stream);
            io.execute(stream::pull);
            Poller poller = new Poller(io, total);
            pollers.add(poller);
            io.execute(poller::poll);
        }

        publishFrom(publishers, each);

        List<Long> expected = LongStream.range(0, total).boxed().toList();
        for (Stream stream : streams) {
            assertEquals(expected, stream.done.get(30, TimeUnit.SECONDS), "a stream's messages");
        }
        for (Poller poller : pollers) {
            assertEquals(expected, poller.done.get(30, TimeUnit.SECONDS), "a poller's messages");
        }
        assertEquals(List.of(), List.copyOf(problems));
        assertEquals(0, broadcaster.parkedCount(), "no waiter left parked");
        assertEquals(streams.size(), broadcaster.followerCount());
    }
}
