package nodecast.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The coordinator's end of one {@link ViewerWorker} process: commands down its stdin, replies up its stdout. */
final class WorkerProcess implements AutoCloseable {
    private static final String END_OF_OUTPUT = "\u0000eof";

    private final Children children;
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

    private WorkerProcess(Children children, Process process) {
        this.children = children;
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
        Thread reader = new Thread(this::readReplies, "worker-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a worker JVM that binds its viewers' sockets to {@code sources}, in turn. */
    static WorkerProcess start(Children children, List<String> sources, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A small heap and the serial collector keep the generator's own CPU and memory low.
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                ViewerWorker.class.getName(), String.join(",", sources)));
        return new WorkerProcess(children, children.startPiped(command, log));
    }

    long pid() {
        return process.pid();
    }

    void send(String command) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + pid() + " is gone", e);
        }
    }

    /** The next reply, which must start with {@code word}. */
    String[] expect(String word, Duration timeout) {
        String line;
        try {
            line = replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for worker " + pid());
        }
        if (line == null || line.equals(END_OF_OUTPUT)) {
            throw new IllegalStateException("worker " + pid() + (line == null ? " did not answer '" + word + "' in " + timeout : " exited"));
        }
        String[] words = line.split(" ");
        if (!words[0].equals(word)) {
            throw new IllegalStateException("worker " + pid() + " answered '" + line + "', expected '" + word + "'");
        }
        return words;
    }

    /** Reply lines up to (not including) {@code end}. */
    List<String[]> until(String end, Duration timeout) {
        List<String[]> lines = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String line;
            try {
                line = replies.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (line == null || line.equals(END_OF_OUTPUT)) {
                break;
            }
            if (line.equals(end)) {
                return lines;
            }
            lines.add(line.split(" "));
        }
        throw new IllegalStateException("worker " + pid() + " did not finish its report in " + timeout);
    }

    private void readReplies() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                replies.add(line);
            }
        } catch (IOException e) {
            // the worker died; whoever waits for a reply learns it below
        }
        replies.add(END_OF_OUTPUT);
    }

    @Override
    public void close() {
        try {
            send("quit");
            if (process.waitFor(10, TimeUnit.SECONDS)) {
                return;
            }
        } catch (RuntimeException e) {
            // already gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.stop(process);
    }
}
