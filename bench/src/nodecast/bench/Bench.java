package nodecast.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark's coordinator: starts nodecast (in memory, then on a redis-server of its own),
 * drives it with worker processes and wrk over loopback, prints the tables and writes
 * results/latest.json and results/latest.png (results/quick.* for a quick run). With --peer nchan,
 * instead: nodecast, then Nchan, driven by the same viewers; results/nchan.json (nchan-quick.json). With
 * --channels, instead: fan-out over channels and the memory of idle ones; results/channels.json (channels-quick.json). With
 * --stalled, instead: the heap that streams which never read hold; results/stalled.json (stalled-quick.json).
 * Progress goes to standard error, tables to standard output.
 * Exit status: 0, 1 if any message was lost or duplicated (or a viewer could not connect), 2 if the run failed.
 */
public final class Bench {
    private final Settings settings;
    private final Children children = new Children();
    private final List<FanOutMeasurement.Level> levels = new ArrayList<>();
    private final List<FanOutMeasurement.Memory> memory = new ArrayList<>();
    private final List<PublishMeasurement.Row> publishing = new ArrayList<>();
    private final List<LongPollMeasurement.Row> polling = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private String serverVmFlags = "?";

    private Bench(Settings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) {
        if (List.of(args).contains("--help")) {
            System.out.print(Settings.usage());
            return;
        }
        Settings settings;
        try {
            settings = Settings.parse(List.of(args), System.getenv("BENCH_SERVER_JAVA_OPTS"));
        } catch (Settings.Invalid e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = new Bench(settings).run();
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: failed: " + e);
            status = 2;
        }
        System.exit(status);
    }

    private int run() throws IOException {
        long start = System.nanoTime();
        String loadAtStart = Proc.firstLine("/proc/loadavg");
        Path logDir = Files.createDirectories(settings.home().resolve("target").resolve("logs"));
        Path results = Files.createDirectories(settings.home().resolve("results"));
        if (settings.peer() != null) {
            Optional<Path> module = NchanProcess.module();
            if (module.isEmpty()) {
                missing("nginx with the Nchan module", "nginx libnginx-mod-nchan");
            }
            return new PeerRun(settings, children, notes).run(module, start, loadAtStart, logDir, results);
        }
        if (settings.stalled() != null) {
            return new StalledRun(settings, children, notes).run(start, loadAtStart, logDir, results);
        }
        List<LogKind> logs = availableLogs();
        if (settings.channels() != null) {
            return logs.isEmpty() ? 2 : new ChannelRun(settings, children, notes).run(logs, start, loadAtStart, logDir, results);
        }
        boolean withWrk = Wrk.isInstalled() || missing("wrk", "wrk");
        if (logs.isEmpty()) {
            return 2;
        }
        log("bench: %s run, %d worker processes, logs in %s", settings.quick() ? "quick" : "full", settings.workers(), logDir);
        try (LoadGenerator generator = LoadGenerator.start(children, settings.workers(), logDir)) {
            for (LogKind log : logs) {
                fanOut(log, generator, logDir);
                if (withWrk) {
                    publish(log, generator, logDir);
                    longPoll(log, logDir);
                }
            }
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        Map<String, Object> machine = Machine.describe(settings, serverVmFlags, loadAtStart);
        String report = report(machine, minutes);
        System.out.print(report);
        // A smoke run must not overwrite the figures of the last full run.
        String name = settings.quick() ? "quick" : "latest";
        Path json = results.resolve(name + ".json");
        Path png = results.resolve(name + ".png");
        Files.writeString(json, Json.write(json(machine, minutes)));
        Chart.write(levels, Machine.brief(machine), png);
        System.out.println("Wrote " + json + " and " + png);
        List<String> failures = failures();
        failures.forEach(failure -> System.out.println("FAILED: " + failure));
        return failures.isEmpty() ? 0 : 1;
    }

    private void fanOut(LogKind log, LoadGenerator generator, Path logDir) throws IOException {
        log("%s log: fan-out and memory, levels %s", log.label, settings.viewerLevels());
        try (NodecastProcess server = NodecastProcess.start(children, settings, log == LogKind.REDIS,
                settings.fanOutWaitTimeout(), logDir, log.label + "-fanout");
                Publisher publisher = new Publisher(server)) {
            serverVmFlags = server.vmFlags();
            FanOutMeasurement.Outcome outcome = FanOutMeasurement.run(settings, log, server, generator, publisher);
            levels.addAll(outcome.levels());
            memory.addAll(outcome.memory());
            generator.closeViewers();
        }
    }

    /** On a server of its own: after the largest fan-out, its heap would still be full of the parked requests' garbage. */
    private void publish(LogKind log, LoadGenerator generator, Path logDir) throws IOException {
        log("%s log: publish throughput with %d viewers", log.label, settings.publishViewers());
        try (NodecastProcess server = NodecastProcess.start(children, settings, log == LogKind.REDIS,
                settings.fanOutWaitTimeout(), logDir, log.label + "-publish");
                Publisher publisher = new Publisher(server)) {
            publishing.add(PublishMeasurement.run(settings, children, log, server, generator, publisher, logDir));
            generator.closeViewers();
        }
    }

    private void longPoll(LogKind log, Path logDir) throws IOException {
        log("%s log: the 2009 test, C = %s", log.label, settings.concurrencies());
        try (NodecastProcess server = NodecastProcess.start(children, settings, log == LogKind.REDIS,
                settings.pollWaitTimeout(), logDir, log.label + "-poll")) {
            polling.addAll(LongPollMeasurement.run(settings, children, log, server, logDir));
        }
    }

    private List<LogKind> availableLogs() {
        List<LogKind> logs = new ArrayList<>();
        for (LogKind log : settings.logs()) {
            if (log != LogKind.REDIS || RedisServer.isInstalled() || missing("redis-server", "redis-server")) {
                logs.add(log);
            }
        }
        return logs;
    }

    /** A missing tool skips what needs it, with a note; in CI (CI=true) it is an error, so the smoke run cannot silently shrink. */
    private boolean missing(String command, String debianPackage) {
        String note = command + " is not installed (Debian package " + debianPackage + "): what needs it is skipped";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(command + " is not installed (Debian package " + debianPackage + ") and CI=true");
        }
        notes.add(note);
        log("bench: %s", note);
        return false;
    }

    private String report(Map<String, Object> machine, double minutes) {
        StringBuilder out = new StringBuilder("\n");
        out.append(Machine.summary(machine)).append('\n');
        out.append("Server JVM flags: ").append(serverVmFlags).append('\n');
        out.append(String.format("Run: %s, %.1f minutes%n%n", settings.quick() ? "quick" : "full", minutes));
        out.append(FanOutMeasurement.table(levels)).append('\n');
        out.append(FanOutMeasurement.memoryTable(memory)).append('\n');
        if (!polling.isEmpty()) {
            out.append(LongPollMeasurement.table(polling)).append('\n');
        }
        if (!publishing.isEmpty()) {
            out.append(PublishMeasurement.table(publishing)).append('\n');
        }
        notes.forEach(note -> out.append("Note: ").append(note).append('\n'));
        return out.toString();
    }

    private Map<String, Object> json(Map<String, Object> machine, double minutes) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", settings.quick() ? "quick" : "full");
        json.put("minutes", minutes);
        json.put("machine", machine);
        json.put("fanOut", levels.stream().map(FanOutMeasurement.Level::toJson).toList());
        json.put("memory", memory.stream().map(FanOutMeasurement.Memory::toJson).toList());
        json.put("longPoll2009", polling.stream().map(LongPollMeasurement.Row::toJson).toList());
        json.put("publish", publishing.stream().map(PublishMeasurement.Row::toJson).toList());
        json.put("notes", notes);
        return json;
    }

    private List<String> failures() {
        List<String> failures = new ArrayList<>();
        for (FanOutMeasurement.Level l : levels) {
            if (l.lost() != 0 || l.duplicated() != 0 || l.failedConnects() != 0) {
                failures.add("fan-out to %d on %s: lost %d, duplicated %d, failed connects %d"
                        .formatted(l.viewers(), l.log().label, l.lost(), l.duplicated(), l.failedConnects()));
            }
        }
        for (PublishMeasurement.Row r : publishing) {
            if (r.lost() != 0 || r.duplicated() != 0 || r.behind() != 0) {
                failures.add("publishing on %s: lost %d, duplicated %d, viewers behind %d"
                        .formatted(r.log().label, r.lost(), r.duplicated(), r.behind()));
            }
        }
        return failures;
    }

    static void log(String format, Object... args) {
        System.err.println(String.format(format, args));
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
