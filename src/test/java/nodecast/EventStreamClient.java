package nodecast;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import nodecast.log.Message;

/**
 * A Server-Sent Events client as a script would write one: it reads {@code /events} line by line
 * (through the JDK's HTTP client, so chunked framing is undone for it) and keeps every event, but
 * counts keepalives (and comments) apart, as a script passes them over; a test awaits them rather
 * than sleeps for them. One shared HTTP client serves every
 * stream, with no thread per stream.
 */
final class EventStreamClient implements StreamViewer {
    /** How long any await may take before the test fails, saying what arrived. */
    static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** One event: its type ({@code message} when none is named), its id (null when none) and its data. */
    record Event(String type, String id, String data) {
        JsonObject json() {
            return JsonParser.parseString(data).getAsJsonObject();
        }

        Message message() {
            return Message.fromJson(data);
        }
    }

    private final int status;
    private final HttpHeaders headers;
    private final List<Event> events = new ArrayList<>();
    /** The body's lines when the answer is not a stream (a refusal). */
    private final List<String> body = new ArrayList<>();
    private int comments;
    private int keepalives;
    private boolean ended;
    private Flow.Subscription subscription;

    // The event being read.
    private String type;
    private String id;
    private StringBuilder data;

    private EventStreamClient(HttpResponse.ResponseInfo head) {
        this.status = head.statusCode();
        this.headers = head.headers();
    }

    /** Opens {@code uri} (base URI and path) with the given header names and values; returns once the answer's head has arrived. */
    static EventStreamClient open(URI uri, String... headerNamesAndValues) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
        for (int i = 0; i < headerNamesAndValues.length; i += 2) {
            request.header(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        CompletableFuture<EventStreamClient> opened = new CompletableFuture<>();
        HTTP.sendAsync(request.build(), head -> {
            EventStreamClient client = new EventStreamClient(head);
            opened.complete(client);
            return HttpResponse.BodySubscribers.fromLineSubscriber(client.new Lines());
        }).whenComplete((done, failure) -> {
            if (failure != null) {
                opened.completeExceptionally(failure);
            }
        });
        try {
            return opened.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no answer from " + uri, e);
        }
    }

    static EventStreamClient open(TestServer server, String pathAndQuery, String... headerNamesAndValues) {
        return open(server.uri(pathAndQuery), headerNamesAndValues);
    }

    int status() {
        return status;
    }

    String header(String name) {
        return headers.firstValue(name).orElse(null);
    }

    synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The message events, as messages. */
    public synchronized List<Message> messages() {
        return events.stream().filter(e -> e.type().equals("message")).map(Event::message).toList();
    }

    synchronized int comments() {
        return comments;
    }

    synchronized int keepalives() {
        return keepalives;
    }

    synchronized boolean ended() {
        return ended;
    }

    /** The body of an answer that is not a stream, once it has ended. */
    String body() {
        awaitEnd();
        synchronized (this) {
            return String.join("\n", body);
        }
    }

    /** Waits until at least {@code count} events arrived; returns them all. */
    List<Event> awaitEvents(int count) {
        await(c -> c.events.size() >= count, "at least " + count + " events");
        return events();
    }

    /** Waits until at least {@code count} messages arrived; returns them all. */
    public List<Message> awaitMessages(int count) {
        await(c -> c.messages().size() >= count, "at least " + count + " messages");
        return messages();
    }

    public void awaitEnd() {
        await(c -> c.ended, "the end of the stream");
    }

    synchronized void await(Predicate<EventStreamClient> condition, String what) {
        Awaiting.until(this, () -> condition.test(this), PATIENCE, () -> what + "; got " + events.size() + " events"
                + (ended ? " and the end" : "") + ", the last: " + events.subList(Math.max(0, events.size() - 3), events.size()));
    }

    /** Closes the connection, as a browser tab that goes away. */
    @Override
    public synchronized void close() {
        if (subscription != null) {
            subscription.cancel();
        }
    }

    private synchronized void line(String line) {
        if (status != 200) {
            body.add(line);
        } else if (line.isEmpty()) {
            if ("keepalive".equals(type) && data != null) {
                keepalives++;
                notifyAll();
            } else if (data != null) {
                events.add(new Event(type == null ? "message" : type, id, data.toString()));
                notifyAll();
            }
            type = null;
            id = null;
            data = null;
        } else if (line.startsWith(":")) {
            comments++;
            notifyAll();
        } else {
            EventStreamField field = EventStreamField.of(line);
            String value = field.value();
            switch (field.name()) {
                case "event" -> type = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> throw new AssertionError("a line no event stream has: " + line);
            }
        }
    }

    private synchronized void markEnded() {
        ended = true;
        notifyAll();
    }

    /** Receives the body's lines from the HTTP client. */
    private final class Lines implements Flow.Subscriber<String> {
        @Override
        public void onSubscribe(Flow.Subscription lines) {
            synchronized (EventStreamClient.this) {
                subscription = lines;
            }
            lines.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            line(line);
        }

        @Override
        public void onError(Throwable failure) {
            markEnded();
        }

        @Override
        public void onComplete() {
            markEnded();
        }
    }
}
