package nodecast.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;

/**
 * The processes this run started (servers, redis-servers, workers, wrk). Each is stopped by its
 * owner when done; whatever is left (a failure, Ctrl-C) is stopped when the coordinator exits,
 * so a run never leaves a server behind.
 */
final class Children {
    private final ConcurrentLinkedDeque<Process> running = new ConcurrentLinkedDeque<>();

    Children() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "stop-children"));
    }

    /** Starts {@code command}, its output and errors going to {@code log}. */
    Process start(List<String> command, Path log) throws IOException {
        return start(command, Map.of(), log);
    }

    /** Starts {@code command} with {@code environment} added, its output and errors going to {@code log}. */
    Process start(List<String> command, Map<String, String> environment, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        running.add(process);
        return process;
    }

    /** Starts {@code command} with its standard input and output left to the caller; errors go to {@code log}. */
    Process startPiped(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectError(log.toFile())
                .start();
        running.add(process);
        return process;
    }

    /** Stops {@code process}: politely, then by force after five seconds. */
    void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        running.remove(process);
    }

    private void stopAll() {
        for (Process process : running) {
            process.destroyForcibly();
        }
    }
}
