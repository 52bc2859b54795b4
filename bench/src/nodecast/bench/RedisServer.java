package nodecast.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A throw-away redis-server of our own on a free loopback port: no snapshots, no append-only file. */
final class RedisServer implements AutoCloseable {
    private final Children children;
    private final Process process;
    private final int port;

    private RedisServer(Children children, Process process, int port) {
        this.children = children;
        this.process = process;
        this.port = port;
    }

    static RedisServer start(Children children, Path log) throws IOException {
        int port = FreePort.find();
        Process process = children.start(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no"), log);
        RedisServer redis = new RedisServer(children, process, port);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!redis.answersPing()) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                redis.close();
                throw new IOException("redis-server did not start; see " + log);
            }
            Bench.pause(50);
        }
        return redis;
    }

    private boolean answersPing() {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] answer = in.readNBytes(7);
            return new String(answer, StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    long pid() {
        return process.pid();
    }

    static boolean isInstalled() {
        return Bench.onPath("redis-server");
    }

    @Override
    public void close() {
        children.stop(process);
    }
}
