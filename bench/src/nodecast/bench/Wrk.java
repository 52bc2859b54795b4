package nodecast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (Debian's, written in C: cheap beside the server) with bench/wrk.lua, and reads its figures. */
final class Wrk {
    private static final Pattern FIGURE = Pattern.compile("(\\w+)=(\\d+)");
    /** The last line of bash's {@code times}: user and system time of its children, i.e. of wrk. */
    private static final Pattern CHILD_TIMES = Pattern.compile("(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s\\s*$");

    private Wrk() {
    }

    /**
     * What wrk measured. Latencies run from sending a request to the end of its response.
     *
     * @param socketErrors connect, read and write errors together
     * @param cpuMillis wrk's own user and system time
     */
    record Result(long requests, double seconds, long non2xx, long socketErrors, long timeouts,
            double meanMs, double p50Ms, double p99Ms, double maxMs, long cpuMillis) {
    }

    static boolean isInstalled() {
        return Bench.onPath("wrk");
    }

    /** Runs wrk against {@code url}; with {@code publishKey}, each request publishes a message instead of getting the url. */
    static Result run(Children children, Settings settings, int threads, int connections, Duration duration,
            String url, String publishKey, Path log) throws IOException {
        List<String> command = List.of("bash", "-c", "\"$@\"; status=$?; times; exit $status", "bash",
                "wrk", "-t" + threads, "-c" + connections, "-d" + duration.toSeconds() + "s", "--timeout", "10s",
                "-s", settings.home().resolve("wrk.lua").toString(), url);
        Map<String, String> environment = new HashMap<>();
        if (publishKey != null) {
            environment.put("BENCH_PUBLISH_KEY", publishKey);
        }
        Process wrk = children.start(command, environment, log);
        try {
            if (!wrk.waitFor(duration.toSeconds() + 60, TimeUnit.SECONDS)) {
                children.stop(wrk);
                throw new IOException("wrk did not finish; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            children.stop(wrk);
            throw new IOException("interrupted", e);
        }
        children.stop(wrk);
        String output = Files.readString(log);
        String resultLine = output.lines().filter(line -> line.startsWith("wrk-result ")).findFirst()
                .orElseThrow(() -> new IOException("wrk gave no figures; see " + log));
        Map<String, Long> figures = new HashMap<>();
        Matcher figure = FIGURE.matcher(resultLine);
        while (figure.find()) {
            figures.put(figure.group(1), Long.parseLong(figure.group(2)));
        }
        Matcher times = CHILD_TIMES.matcher(output.strip());
        long cpuMillis = times.find()
                ? Math.round((Long.parseLong(times.group(1)) * 60 + Double.parseDouble(times.group(2))
                        + Long.parseLong(times.group(3)) * 60 + Double.parseDouble(times.group(4))) * 1000)
                : -1;
        return new Result(figures.get("requests"), figures.get("duration_us") / 1e6, figures.get("non2xx"),
                figures.get("connect") + figures.get("read") + figures.get("write"), figures.get("timeout"),
                figures.get("mean_us") / 1e3, figures.get("p50_us") / 1e3, figures.get("p99_us") / 1e3,
                figures.get("max_us") / 1e3, cpuMillis);
    }
}
