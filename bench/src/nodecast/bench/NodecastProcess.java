package nodecast.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server under test: {@code java -jar nodecast.jar} on a free port, with a redis-server of its own when asked. */
final class NodecastProcess implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final Children children;
    private final Process process;
    private final RedisServer redis;
    private final int port;
    private final String publishKey;

    private NodecastProcess(Children children, Process process, RedisServer redis, int port, String publishKey) {
        this.children = children;
        this.process = process;
        this.redis = redis;
        this.port = port;
        this.publishKey = publishKey;
    }

    /** Starts nodecast with the in-memory log, or on a new redis-server when {@code onRedis}; returns once it is ready. */
    static NodecastProcess start(Children children, Settings settings, boolean onRedis, Duration waitTimeout, Path logDir, String name)
            throws IOException {
        return start(children, settings, onRedis, waitTimeout, List.of(), logDir, name);
    }

    /** The same, with {@code options}: more of nodecast's flags and their values. */
    static NodecastProcess start(Children children, Settings settings, boolean onRedis, Duration waitTimeout, List<String> options,
            Path logDir, String name) throws IOException {
        RedisServer redis = onRedis ? RedisServer.start(children, logDir.resolve(name + "-redis.log")) : null;
        int port = FreePort.find();
        String publishKey = UUID.randomUUID().toString();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(settings.serverJvmOptions());
        command.addAll(List.of("-jar", settings.jar().toString(), "--port", Integer.toString(port),
                "--wait-timeout", Double.toString(waitTimeout.toMillis() / 1000.0),
                // Publishers that give the key are never throttled, however many come from 127.0.0.1.
                "--publish-key", publishKey));
        if (redis != null) {
            command.addAll(List.of("--redis", redis.url()));
        }
        command.addAll(options);
        Path log = logDir.resolve(name + "-nodecast.log");
        NodecastProcess server = new NodecastProcess(children, children.start(command, log), redis, port, publishKey);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!server.isReady()) {
            if (System.nanoTime() > deadline || !server.process.isAlive()) {
                server.close();
                throw new IOException("nodecast did not become ready; see " + log);
            }
            Bench.pause(100);
        }
        return server;
    }

    private boolean isReady() {
        try {
            return get("/readyz").status() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** The value of an unlabelled metric at /metrics (a gauge such as nodecast_channels). */
    double metric(String name) throws IOException {
        Matcher value = metricLine(name);
        if (!value.find()) {
            throw new IOException("/metrics has no " + name);
        }
        return Double.parseDouble(value.group(1));
    }

    /**
     * The value of a counter at /metrics, named with its labels as the server writes them
     * ({@code nodecast_stream_disconnects_total{reason="slow"}}); 0 while it is absent: a labelled
     * counter appears when first counted.
     */
    double counter(String nameWithLabels) throws IOException {
        Matcher value = metricLine(nameWithLabels);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    private Matcher metricLine(String name) throws IOException {
        Answer answer = get("/metrics");
        if (answer.status() != 200) {
            throw new IOException("/metrics answered " + answer.status());
        }
        return Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(answer.body());
    }

    private record Answer(int status, String body) {
    }

    private Answer get(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        connection.setConnectTimeout(1000);
        connection.setReadTimeout(5000);
        int status = connection.getResponseCode();
        try (InputStream body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            return new Answer(status, body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    int port() {
        return port;
    }

    /** What publishers send as {@code Authorization: Bearer KEY}. */
    String publishKey() {
        return publishKey;
    }

    long pid() {
        return process.pid();
    }

    long cpuMillis() {
        return Proc.cpuMillis(process.pid());
    }

    long systemMillis() {
        return Proc.systemMillis(process.pid());
    }

    /** CPU time of this run's redis-server so far, 0 for the in-memory log. */
    long redisCpuMillis() {
        return redis == null ? 0 : Proc.cpuMillis(redis.pid());
    }

    long residentKib() {
        return Proc.residentKib(process.pid());
    }

    /** Runs a full garbage collection in the server, then returns the heap still in use, in KiB. */
    long heapAfterFullGcKib() throws IOException {
        jcmd("GC.run");
        Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!used.find()) {
            throw new IOException("jcmd GC.heap_info gave no 'used' figure");
        }
        return Long.parseLong(used.group(1));
    }

    /** The server's live objects by class, after a full GC ({@code jcmd PID GC.class_histogram}), as jcmd writes them. */
    String classHistogram() throws IOException {
        return jcmd("GC.class_histogram");
    }

    /** The flags the server's JVM actually runs with, as {@code jcmd VM.flags} lists them. */
    String vmFlags() throws IOException {
        String[] lines = jcmd("VM.flags").strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    private String jcmd(String what) throws IOException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), what).redirectErrorStream(true).start();
        byte[] output = jcmd.getInputStream().readAllBytes();
        try {
            if (!jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IOException("jcmd " + what + " failed: " + new String(output, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        children.stop(process);
        if (redis != null) {
            redis.close();
        }
    }
}
