package nodecast;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real {@code redis-server} of the test's own, on a free port with a scratch directory, so
 * no test touches data it did not create. Without redis-server the test is skipped, except
 * under CI ({@code CI=true}), where that is a failure.
 */
final class RedisProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private RedisProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    static RedisProcess start() {
        String binary = findRedisServer();
        try {
            RedisProcess redis = new RedisProcess(freePort(), Files.createTempDirectory("nodecast-redis"));
            redis.launch(binary);
            return redis;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server", e);
        }
    }

    private static String findRedisServer() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "redis-server");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        String missing = "redis-server is not installed (apt-get install -y redis-server)";
        if ("true".equals(System.getenv("CI"))) {
            fail(missing);
        }
        assumeTrue(false, missing);
        return null;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void launch(String binary) throws IOException {
        process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString())
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
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString().strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops Redis (as a crash would: nothing saved); {@link #restart()} brings it back, empty, on the same port. */
    void stop() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void restart() throws IOException {
        stop();
        launch(findRedisServer());
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
