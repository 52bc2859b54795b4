package nodecast;

import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import nodecast.log.Message;

/**
 * A viewer that behaves as the page does: it asks {@code /wait} for the id after the last one it
 * saw, names the log it follows, starts again from 0 when told the log is gone, and on a failed
 * request moves to the next instance (as a load balancer would) with the id it holds.
 */
final class Viewer implements AutoCloseable {
    /** One message as received, with the log it came from. */
    record Seen(String log, long id, String text) {
    }

    private final List<URI> instances;
    /** {@code ""} for channel default, {@code /c/NAME} for another. */
    private final String channelPath;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Seen> seen = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private Viewer(List<URI> instances, String channelPath) {
        this.instances = instances;
        this.channelPath = channelPath;
        this.thread = new Thread(this::follow, "viewer");
        thread.setDaemon(true);
    }

    /** Starts following; {@code instances} are base URIs like {@code http://127.0.0.1:8000}. */
    static Viewer follow(List<URI> instances) {
        return follow(instances, "");
    }

    /** Follows channel {@code name} on {@code instances}. */
    static Viewer followChannel(List<URI> instances, String name) {
        return follow(instances, "/c/" + name);
    }

    private static Viewer follow(List<URI> instances, String channelPath) {
        Viewer viewer = new Viewer(instances, channelPath);
        viewer.thread.start();
        return viewer;
    }

    private void follow() {
        long next = 0;
        String log = null;
        int instance = 0;
        while (running.get()) {
            String query = channelPath + "/wait?id=" + next + (log == null ? "" : "&log=" + log);
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(instances.get(instance).resolve(query)).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 409) {
                    log = JsonParser.parseString(response.body()).getAsJsonObject().get("log").getAsString();
                    next = 0;
                } else if (response.statusCode() == 200) {
                    log = response.headers().firstValue("X-Nodecast-Log").orElse(log);
                    for (Message message : TestServer.messages(response)) {
                        record(new Seen(log, message.id(), message.text()));
                        next = message.id() + 1;
                    }
                } else {
                    pause();
                }
            } catch (java.io.IOException e) {
                instance = (instance + 1) % instances.size();
                pause();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void record(Seen message) {
        seen.add(message);
    }

    synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    synchronized List<String> texts() {
        return seen.stream().map(Seen::text).toList();
    }

    /** Waits until this viewer has received at least {@code count} messages. */
    void awaitCount(int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (seen().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("viewer received " + seen().size() + " of " + count + " messages: " + seen());
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running.set(false);
        thread.interrupt();
    }
}
