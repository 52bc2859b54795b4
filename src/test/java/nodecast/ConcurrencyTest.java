package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.Gson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import nodecast.http.Replies;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Many viewers and publishers at once, and clients that leave or pipeline, on the in-memory log and on a real Redis. */
class ConcurrencyTest {
    /** Long enough that a single lost wake-up shows as a viewer stuck far beyond the run's other delays. */
    private static final Duration LONG_WAIT = Duration.ofSeconds(20);
    /** Long enough that only the disconnect, never the timeout, can unpark a waiter within the test. */
    private static final Duration DISCONNECT_WAIT = Duration.ofSeconds(30);

    private static final Gson GSON = new Gson();

    @RegisterExtension
    private static final StoreServers servers = new StoreServers();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private TestServer start(Store store, Duration waitTimeout) {
        return servers.start(store, waitTimeout);
    }

    /** What one viewer loop saw: its messages, the logs its answers named, and its [] answers with how long each took. */
    private record ViewerLoop(int number, List<Message> received, Set<String> logs, int requests, List<String> emptyAnswers, String problem) {
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void hundreds_of_parked_viewers_each_receive_every_message_once_in_order_and_none_waits_for_a_timeout(Store store) throws Exception {
        TestServer s = start(store, LONG_WAIT);
        int viewers = 300;
        int publishers = 4;
        int perPublisher = 25;
        int total = publishers * perPublisher;

        ExecutorService viewerThreads = Executors.newFixedThreadPool(viewers);
        ExecutorService publisherThreads = Executors.newFixedThreadPool(publishers);
        try {
            List<Future<ViewerLoop>> viewerLoops = startViewers(s, viewerThreads, viewers, total);
            awaitTrue(() -> s.server.broadcaster().parkedCount() == viewers, Duration.ofSeconds(10),
                    () -> "only " + s.server.broadcaster().parkedCount() + " of " + viewers + " viewers parked");

            Collection<Message> published = publish(s, publisherThreads, publishers, perPublisher);
            long publishedAt = System.nanoTime();
            List<Message> expected = published.stream().sorted(Comparator.comparingLong(Message::id)).toList();
            assertEquals(LongStream.range(0, total).boxed().toList(), expected.stream().map(Message::id).toList(),
                    "the publishes got ids 0.." + (total - 1));

            // Every viewer must be done well within the wait timeout of the last publish: one that is
            // not was left parked although its message had arrived.
            Duration bound = Duration.ofSeconds(8);
            List<ViewerLoop> results = new ArrayList<>();
            List<Integer> stuck = new ArrayList<>();
            for (int v = 0; v < viewers; v++) {
                long left = bound.toNanos() - (System.nanoTime() - publishedAt);
                try {
                    results.add(viewerLoops.get(v).get(Math.max(left, 0), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    stuck.add(v);
                }
            }
            assertTrue(stuck.isEmpty(), stuck.size() + " viewers still waiting " + bound.toSeconds() + " s after the last publish "
                    + "(first: " + stuck.subList(0, Math.min(10, stuck.size())) + "); parked now: " + s.server.broadcaster().parkedCount());

            List<String> problems = results.stream().filter(v -> v.problem() != null)
                    .map(v -> "viewer " + v.number() + ": " + v.problem()).toList();
            assertTrue(problems.isEmpty(), problems.size() + " of " + viewers + " viewers failed; first: " + problems.stream().findFirst().orElse(""));
            for (ViewerLoop viewer : results) {
                String who = "viewer " + viewer.number() + " (logs its answers named: " + viewer.logs() + ")";
                assertEquals(null, viewer.problem(), who);
                assertEquals(expected, viewer.received(), who + " received every message once, in order");
                assertEquals(List.of(), viewer.emptyAnswers(), who + " got [] in " + viewer.requests() + " requests: with a "
                        + LONG_WAIT.toSeconds() + " s timeout, only a lost wake-up or a replaced log answers []");
                assertEquals(1, viewer.logs().size(), who + ": the log was replaced while nothing was lost");
            }
            awaitTrue(() -> s.server.broadcaster().parkedCount() == 0, Duration.ofSeconds(2),
                    () -> s.server.broadcaster().parkedCount() + " waiters still parked after every viewer loop ended");
        } finally {
            viewerThreads.shutdownNow();
            publisherThreads.shutdownNow();
        }
    }

    /**
     * Viewers whose waits time out every few milliseconds on the server's own timers, while
     * publishers append: a timeout racing a message costs a viewer nothing (it asks again and gets
     * it), none gets a message twice, and no wait stays parked once they are done.
     */
    @Test
    void waits_timing_out_as_messages_arrive_lose_nothing_duplicate_nothing_and_leave_nothing_parked() throws Exception {
        TestServer s = start(Store.MEMORY, Duration.ofMillis(3));
        int viewers = 100;
        int publishers = 4;
        int perPublisher = 25;
        int total = publishers * perPublisher;
        ExecutorService viewerThreads = Executors.newFixedThreadPool(viewers);
        ExecutorService publisherThreads = Executors.newFixedThreadPool(publishers);
        try {
            List<Future<ViewerLoop>> viewerLoops = startViewers(s, viewerThreads, viewers, total);
            publish(s, publisherThreads, publishers, perPublisher);
            List<Long> expected = LongStream.range(0, total).boxed().toList();
            for (Future<ViewerLoop> loop : viewerLoops) {
                ViewerLoop viewer = loop.get(30, TimeUnit.SECONDS);
                assertEquals(null, viewer.problem(), "viewer " + viewer.number());
                assertEquals(expected, viewer.received().stream().map(Message::id).toList(), "viewer " + viewer.number() + "'s ids");
            }
            awaitTrue(() -> s.server.broadcaster().parkedCount() == 0, Duration.ofSeconds(2),
                    () -> s.server.broadcaster().parkedCount() + " waiters still parked after every viewer loop ended");
        } finally {
            viewerThreads.shutdownNow();
            publisherThreads.shutdownNow();
        }
    }

    /** Starts {@code viewers} loops of {@link #follow}, each on a thread of its own. */
    private List<Future<ViewerLoop>> startViewers(TestServer s, ExecutorService threads, int viewers, int total) {
        List<Future<ViewerLoop>> loops = new ArrayList<>();
        for (int v = 0; v < viewers; v++) {
            int number = v;
            loops.add(threads.submit(() -> follow(s, number, total)));
        }
        return loops;
    }

    /** Publishes {@code perPublisher} messages from each of {@code publishers} threads at once, a few milliseconds apart; returns them. */
    private static Collection<Message> publish(TestServer s, ExecutorService threads, int publishers, int perPublisher) throws Exception {
        ConcurrentLinkedQueue<Message> published = new ConcurrentLinkedQueue<>();
        List<Future<?>> publisherLoops = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            int number = p;
            publisherLoops.add(threads.submit(() -> {
                for (int i = 0; i < perPublisher; i++) {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(0, 10));
                    published.add(s.publish("publisher " + number + " message " + i + " ✓"));
                }
                return null;
            }));
        }
        for (Future<?> loop : publisherLoops) {
            loop.get(30, TimeUnit.SECONDS);
        }
        return published;
    }

    /**
     * One viewer following ids as the page does, from 0 until it holds every id below {@code total}:
     * it asks for the id after the last one it got and names the log its ids belong to.
     */
    private ViewerLoop follow(TestServer s, int number, int total) {
        List<Message> received = new ArrayList<>();
        Set<String> logs = new LinkedHashSet<>();
        List<String> empty = new ArrayList<>();
        String log = null;
        long next = 0;
        int requests = 0;
        String problem = null;
        try {
            while (next < total && problem == null) {
                String query = "/wait?id=" + next + (log == null ? "" : "&log=" + log);
                long sent = System.nanoTime();
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(s.uri(query))
                        .timeout(LONG_WAIT.plusSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                requests++;
                if (response.statusCode() != 200) {
                    problem = query + " answered " + response.statusCode() + ": " + response.body();
                    break;
                }
                response.headers().firstValue(Replies.LOG_HEADER.toString()).ifPresent(logs::add);
                log = response.headers().firstValue(Replies.LOG_HEADER.toString()).orElse(log);
                List<Message> batch = TestServer.messages(response);
                if (batch.isEmpty()) {
                    empty.add(query + " after " + Duration.ofNanos(System.nanoTime() - sent).toMillis() + " ms");
                } else {
                    received.addAll(batch);
                    next = batch.get(batch.size() - 1).id() + 1;
                }
            }
        } catch (IOException e) {
            problem = "/wait?id=" + next + " failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted at /wait?id=" + next;
        }
        return new ViewerLoop(number, received, logs, requests, empty, problem);
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void viewers_whose_connections_are_reset_are_unparked_at_once_and_a_pipelined_client_still_gets_every_answer(Store store)
            throws Exception {
        TestServer s = start(store, DISCONNECT_WAIT);
        int clients = 200;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                Socket socket = new Socket("127.0.0.1", s.port());
                sockets.add(socket);
                write(socket, "GET /wait?id=999999 HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            awaitTrue(() -> s.server.broadcaster().parkedCount() == clients, Duration.ofSeconds(5),
                    () -> "only " + s.server.broadcaster().parkedCount() + " of " + clients + " waits parked");
        } finally {
            for (Socket socket : sockets) {
                socket.setSoLinger(true, 0); // a reset, as a client that is gone for good: a close alone may be a half-close
                socket.close();
            }
        }
        long closed = System.nanoTime();
        awaitTrue(() -> s.server.broadcaster().parkedCount() == 0, Duration.ofSeconds(2),
                () -> s.server.broadcaster().parkedCount() + " waiters still parked 2 s after their clients disconnected");
        Duration unparked = Duration.ofNanos(System.nanoTime() - closed);
        assertTrue(unparked.compareTo(DISCONNECT_WAIT) < 0, unparked.toString());

        Message zero = s.publish("zero");
        Message one = s.publish("one");
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(5_000);
            write(socket, "GET /since?id=0 HTTP/1.1\r\nHost: x\r\n\r\nGET /since?id=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = socket.getInputStream();
            assertEquals(List.of(zero, one), messages(readResponse(in)), "first pipelined answer");
            assertEquals(List.of(one), messages(readResponse(in)), "second pipelined answer");

            // A pipelined wait that parks: the request behind it is answered once the wait is.
            write(socket, "GET /wait?id=2 HTTP/1.1\r\nHost: x\r\n\r\nGET /since?id=1 HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitTrue(() -> s.server.broadcaster().parkedCount() == 1, Duration.ofSeconds(5), () -> "the pipelined wait never parked");
            Message two = s.publish("two");
            assertEquals(List.of(two), messages(readResponse(in)), "the parked pipelined wait");
            assertEquals(List.of(one, two), messages(readResponse(in)), "the request pipelined behind it");

            // A request sent while the previous one is parked (not in the same write) is kept, not lost.
            write(socket, "GET /wait?id=3 HTTP/1.1\r\nHost: x\r\n\r\n");
            awaitTrue(() -> s.server.broadcaster().parkedCount() == 1, Duration.ofSeconds(5), () -> "the wait never parked");
            write(socket, "GET /since?id=2 HTTP/1.1\r\nHost: x\r\n\r\n");
            Thread.sleep(100); // let the server read the second request while the first is still parked
            assertEquals(1, s.server.broadcaster().parkedCount(), "sending the next request does not unpark the wait");
            Message three = s.publish("three");
            assertEquals(List.of(three), messages(readResponse(in)), "the parked wait");
            assertEquals(List.of(two, three), messages(readResponse(in)), "the request sent while it was parked");
        }
        assertEquals(0, s.server.broadcaster().parkedCount());
    }

    /**
     * A client that shuts down its sending side after its request ({@code nc -N}, some HTTP/1.0
     * tools) still reads: its wait is answered when its message comes, over HTTP/1.1 and 1.0 alike.
     */
    @ParameterizedTest
    @EnumSource(Store.class)
    void a_client_that_half_closes_after_its_request_gets_its_wait_answered(Store store) throws Exception {
        TestServer s = start(store, DISCONNECT_WAIT);
        try (Socket http11 = new Socket("127.0.0.1", s.port()); Socket http10 = new Socket("127.0.0.1", s.port())) {
            write(http11, "GET /wait?id=0 HTTP/1.1\r\nHost: x\r\n\r\n");
            write(http10, "GET /wait?id=0 HTTP/1.0\r\n\r\n");
            http11.shutdownOutput();
            http10.shutdownOutput();
            awaitTrue(() -> s.server.broadcaster().parkedCount() == 2, Duration.ofSeconds(5), () -> "the waits never parked");
            Thread.sleep(200); // the server has read both ends of input meanwhile
            assertEquals(2, s.server.broadcaster().parkedCount(), "a half-closed client is not gone");
            Message message = s.publish("to the half-closed");
            for (Socket socket : List.of(http11, http10)) {
                socket.setSoTimeout(5_000);
                assertEquals(List.of(message), messages(readResponse(socket.getInputStream())));
            }
        }
    }

    private static void write(Socket socket, String request) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one HTTP/1.x response with a Content-Length body; returns its body after checking for 200. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c == -1) {
                fail("the connection closed after: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(c);
            matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        assertTrue(headers.matches("(?s)HTTP/1\\.[01] 200 .*"), headers);
        int length = headers.lines()
                .filter(line -> line.toLowerCase().startsWith("content-length:"))
                .mapToInt(line -> Integer.parseInt(line.substring("content-length:".length()).strip()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Content-Length in " + headers));
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static List<Message> messages(String body) {
        return List.of(GSON.fromJson(body, Message[].class));
    }

    private static void awaitTrue(BooleanSupplier condition, Duration within, Supplier<String> failure) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(failure.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail(e);
            }
        }
    }
}
