package nodecast;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import nodecast.log.Message;

/**
 * A WebSocket viewer, through the JDK's own client: it records every text frame (messages and
 * the {@code "event"} controls; keepalives only counted, as a page passes them over) and how the
 * socket closed. {@link #stalled} opens one that reads
 * nothing after the handshake, as a client too slow to keep up.
 */
final class WebSocketClient implements StreamViewer {
    static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Every text frame received, as sent. */
    private final List<String> frames = new ArrayList<>();
    /** Keepalive frames received, kept apart from the others as a page passes them over. */
    private int keepalives;
    /** Pings received (the JDK's client answers them by itself). */
    private int pings;
    /** The payload of every pong received. */
    private final List<ByteBuffer> pongs = new ArrayList<>();
    private final boolean reading;
    private WebSocket socket;
    private int closeCode = -1;
    private String closeReason;
    private boolean ended;

    private WebSocketClient(boolean reading) {
        this.reading = reading;
    }

    /** Opens {@code ws://…pathAndQuery} on {@code server}, with an {@code Origin} header unless it is null. */
    static WebSocketClient open(TestServer server, String pathAndQuery, String origin) {
        return open(server, pathAndQuery, origin, true);
    }

    static WebSocketClient open(TestServer server, String pathAndQuery) {
        return open(server, pathAndQuery, null, true);
    }

    /** A client that takes the handshake and then reads nothing more. */
    static WebSocketClient stalled(TestServer server, String pathAndQuery) {
        return open(server, pathAndQuery, null, false);
    }

    private static WebSocketClient open(TestServer server, String pathAndQuery, String origin, boolean reading) {
        WebSocketClient client = new WebSocketClient(reading);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            client.socket = builder.buildAsync(URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery), client.new Frames())
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            return client;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("no WebSocket at " + pathAndQuery, e);
        }
    }

    /** How a handshake was refused: the status and the body. */
    static Refused refused(TestServer server, String pathAndQuery, String origin) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder();
        if (origin != null) {
            builder.header("Origin", origin);
        }
        try {
            builder.buildAsync(URI.create("ws://127.0.0.1:" + server.port() + pathAndQuery), new WebSocket.Listener() { })
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS).abort();
            throw new AssertionError("the handshake to " + pathAndQuery + " was accepted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refusal) {
                return new Refused(refusal.getResponse().statusCode(), String.valueOf(refusal.getResponse().body()));
            }
            throw new AssertionError("the handshake failed otherwise", e);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    record Refused(int status, String body) {
    }

    /** Sends {@code text} as one message in {@code fragments} frames, all but the last unfinished. */
    void send(String text, int fragments) {
        int size = (text.length() + fragments - 1) / fragments;
        for (int from = 0; from < text.length(); from += size) {
            socket.sendText(text.substring(from, Math.min(from + size, text.length())), from + size >= text.length()).join();
        }
    }

    void sendPing(ByteBuffer payload) {
        socket.sendPing(payload).join();
    }

    void sendClose(int code, String reason) {
        socket.sendClose(code, reason).join();
    }

    synchronized int keepalives() {
        return keepalives;
    }

    synchronized int pings() {
        return pings;
    }

    synchronized List<ByteBuffer> pongs() {
        return List.copyOf(pongs);
    }

    /** Every text frame received, as sent. */
    synchronized List<String> texts() {
        return List.copyOf(frames);
    }

    synchronized List<JsonObject> frames() {
        return frames.stream().map(f -> JsonParser.parseString(f).getAsJsonObject()).toList();
    }

    /** The controls' names, and "message" for each message, in order. */
    List<String> kinds() {
        return frames().stream().map(f -> f.has("event") ? f.get("event").getAsString() : "message").toList();
    }

    public List<Message> messages() {
        return frames().stream().filter(f -> !f.has("event")).map(f -> Message.fromJson(f.toString())).toList();
    }

    synchronized int closeCode() {
        return closeCode;
    }

    synchronized String closeReason() {
        return closeReason;
    }

    List<JsonObject> awaitFrames(int count) {
        await(c -> c.frames.size() >= count, "at least " + count + " frames");
        return frames();
    }

    public List<Message> awaitMessages(int count) {
        await(c -> c.messages().size() >= count, "at least " + count + " messages");
        return messages();
    }

    /** Waits until the socket has closed, whether by a close frame or the connection ending. */
    public void awaitEnd() {
        await(c -> c.ended, "the end of the socket");
    }

    synchronized void await(Predicate<WebSocketClient> condition, String what) {
        Awaiting.until(this, () -> condition.test(this), PATIENCE, () -> what + "; got " + frames.size() + " frames"
                + (ended ? " and the end (" + closeCode + " " + closeReason + ")" : ""));
    }

    /** Drops the connection, as a tab that goes away. */
    @Override
    public void close() {
        socket.abort();
    }

    private final class Frames implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            if (reading) {
                webSocket.request(1);
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                synchronized (WebSocketClient.this) {
                    if (text.toString().equals("{\"event\":\"keepalive\"}")) {
                        keepalives++;
                    } else {
                        frames.add(text.toString());
                    }
                    WebSocketClient.this.notifyAll();
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            synchronized (WebSocketClient.this) {
                pings++;
                WebSocketClient.this.notifyAll();
            }
            return WebSocket.Listener.super.onPing(webSocket, message);
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
            synchronized (WebSocketClient.this) {
                pongs.add(ByteBuffer.allocate(message.remaining()).put(message).flip());
                WebSocketClient.this.notifyAll();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            synchronized (WebSocketClient.this) {
                closeCode = statusCode;
                closeReason = reason;
                ended = true;
                WebSocketClient.this.notifyAll();
            }
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            synchronized (WebSocketClient.this) {
                ended = true;
                WebSocketClient.this.notifyAll();
            }
        }
    }
}
