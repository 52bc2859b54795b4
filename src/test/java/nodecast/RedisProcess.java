package nodecast;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} of the test's own, on a free port with a scratch directory, so
 * no test touches data it did not create. Without redis-server the test is skipped, except
 * under CI ({@code CI=true}), where that is a failure.
 */
final class RedisProcess implements AutoCloseable {
    /**
     * An inline EVAL (give it {@code 1 KEY}) that writes 64 MB to KEY, a megabyte at a time: 64 MB of replication stream from a
     * short command, more than the kernel buffers for a paused replica, so what is written after it stays in the master.
     */
    static final String FILL_REPLICATION = "EVAL \"local v = string.rep('x', 1048576) for i = 1, 64 do redis.call('SET', KEYS[1], v) end"
            + " return 1\"";

    private final int port;
    private final Path dir;
    private final List<String> options;
    private Process process;

    private RedisProcess(int port, Path dir, List<String> options) {
        this.port = port;
        this.dir = dir;
        this.options = options;
    }

    /** A Redis that keeps nothing on disk. */
    static RedisProcess start() {
        return start("--save", "", "--appendonly", "no");
    }

    /** A Redis with more options, e.g. {@code --appendonly yes --appendfsync always} to survive a crash. */
    static RedisProcess start(String... options) {
        try {
            return startOn(Ports.free(), options);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    /** A Redis on {@code port}, e.g. a cluster node, whose bus port (port + 10000) must be free too. */
    static RedisProcess startOn(int port, String... options) {
        String binary = findRedisServer();
        try {
            RedisProcess redis = new RedisProcess(port, Files.createTempDirectory("nodecast-redis"), List.of(options));
            redis.launch(binary);
            return redis;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    /** A Sentinel watching the master at {@code masterPort} under {@code name}, deciding alone (quorum 1) and fast. */
    static RedisProcess sentinel(int masterPort, String name) {
        String binary = findRedisServer();
        try {
            int port = Ports.free();
            Path dir = Files.createTempDirectory("nodecast-sentinel");
            Path config = dir.resolve("sentinel.conf");
            Files.writeString(config, String.join("\n",
                    "port " + port,
                    "bind 127.0.0.1",
                    "sentinel monitor " + name + " 127.0.0.1 " + masterPort + " 1",
                    "sentinel down-after-milliseconds " + name + " 1000",
                    "sentinel failover-timeout " + name + " 4000",
                    ""));
            RedisProcess sentinel = new RedisProcess(port, dir, List.of(config.toString(), "--sentinel"));
            sentinel.launch(binary);
            return sentinel;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start a sentinel", e);
        }
    }

    private static String findRedisServer() {
        return findTool("redis-server");
    }

    /** A tool of Debian's redis-server package (redis-server, redis-cli), by its path. */
    static String findTool(String name) {
        return Tools.require(name, "redis-server");
    }

    private void launch(String binary) throws IOException {
        List<String> command = new ArrayList<>(List.of(binary));
        if (options.contains("--sentinel")) {
            command.addAll(options);
        } else {
            command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString()));
            command.addAll(options);
        }
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            if (command("PING").startsWith("+PONG")) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException("redis-server did not start on port " + port + ": " + Files.readString(dir.resolve("redis.log")));
    }

    URI uri() {
        return URI.create("redis://127.0.0.1:" + port + "/0");
    }

    int port() {
        return port;
    }

    /** Sends one inline command and returns the first reply line, or "" if Redis cannot be reached. */
    String command(String inline) {
        return reply(inline, false);
    }

    /** Sends one inline command whose reply is a bulk string (like INFO) and returns that string, or "". */
    String bulk(String inline) {
        return reply(inline, true);
    }

    /**
     * Runs {@code commands} as one transaction (MULTI ... EXEC) on one connection, as a failover
     * that loses writes and connections at once; returns the line answering EXEC.
     */
    String transaction(String... commands) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2_000);
            StringBuilder sent = new StringBuilder("MULTI\r\n");
            for (String command : commands) {
                sent.append(command).append("\r\n");
            }
            socket.getOutputStream().write(sent.append("EXEC\r\n").toString().getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            for (int i = 0; i <= commands.length; i++) {
                String queued = readLine(in);
                if (!queued.startsWith("+")) {
                    throw new IllegalStateException("MULTI refused: " + queued);
                }
            }
            return readLine(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sends one inline command whose reply is an array of bulk strings (like KEYS) and returns them. */
    String[] bulkLines(String inline) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2_000);
            socket.getOutputStream().write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            InputStream in = socket.getInputStream();
            String head = readLine(in);
            if (!head.startsWith("*")) {
                throw new IllegalStateException(inline + " answered " + head);
            }
            String[] items = new String[Integer.parseInt(head.substring(1))];
            for (int i = 0; i < items.length; i++) {
                int length = Integer.parseInt(readLine(in).substring(1));
                items[i] = new String(in.readNBytes(length), StandardCharsets.UTF_8);
                readLine(in);
            }
            return items;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String reply(String inline, boolean bulk) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String first = readLine(in);
            if (!bulk || !first.startsWith("$")) {
                return first;
            }
            return new String(in.readNBytes(Integer.parseInt(first.substring(1))), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
            line.append((char) c);
        }
        return line.toString().strip();
    }

    /**
     * Stops Redis as a crash would. {@link #restart()} brings it back on the same port with the
     * same options: empty, unless it was started with an append-only file.
     */
    void stop() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Freezes Redis as a stalled machine would ({@code kill -STOP}): its connections stay open, and nothing answers. */
    void pause() {
        signal("STOP");
    }

    /** Lets a paused Redis run again ({@code kill -CONT}). */
    void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder(Tools.require("kill", "procps"), "-" + name, Long.toString(process.pid())).start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " failed for redis-server on port " + port);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void restart() throws IOException {
        stop();
        launch(findRedisServer());
    }

    /**
     * Stops Redis as a crash would and starts it again with {@code extra} options too, returning
     * as soon as it answers anything, even that it is still loading its data.
     */
    void restartLoading(String... extra) throws IOException {
        stop();
        List<String> command = new ArrayList<>(List.of(findRedisServer(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString()));
        command.addAll(options);
        command.addAll(List.of(extra));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (command("PING").isEmpty()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("redis-server did not start again on port " + port);
            }
            sleep(20);
        }
    }

    @Override
    public void close() {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // a scratch directory left in /tmp is harmless
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
