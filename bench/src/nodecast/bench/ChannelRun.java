package nodecast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The --channels run, for each log: the fan-out over channels on one server, then the memory of
 * idle channels on another; tables, and results/channels.json (channels-quick.json for a quick run).
 * Exit status 1 if a message was lost or repeated, a viewer could not connect or was left behind,
 * or a channel was still held after the idle time.
 */
final class ChannelRun {
    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(60);

    private final Settings settings;
    private final Children children;
    private final List<String> notes;
    private final List<ChannelFanOut.Spread> spreads = new ArrayList<>();
    private final List<IdleChannels.Memory> idle = new ArrayList<>();
    private String serverVmFlags = "?";

    ChannelRun(Settings settings, Children children, List<String> notes) {
        this.settings = settings;
        this.children = children;
        this.notes = notes;
    }

    int run(List<LogKind> logs, long start, String loadAtStart, Path logDir, Path results) throws IOException {
        Settings.ChannelLoad load = settings.channels();
        Bench.log("bench: %s channels run, %d viewers over %s channels, %d worker processes, logs in %s",
                settings.quick() ? "quick" : "full", load.viewers(), load.spreads(), settings.workers(), logDir);
        try (LoadGenerator generator = LoadGenerator.start(children, settings.workers(), logDir)) {
            for (LogKind log : logs) {
                Bench.log("%s log: fan-out over channels", log.label);
                try (NodecastProcess server = NodecastProcess.start(children, settings, log == LogKind.REDIS, WAIT_TIMEOUT,
                        maxChannels(log, 2 * load.viewers()), logDir, log.label + "-channels")) {
                    serverVmFlags = server.vmFlags();
                    spreads.addAll(ChannelFanOut.run(load, log, server, generator));
                }
                Bench.log("%s log: %d channels read once, %d published to once, each then idle", log.label, load.idleChannels(),
                        load.idlePublished());
                List<String> options = new ArrayList<>(List.of("--channel-idle", Integer.toString(load.idleSeconds())));
                options.addAll(maxChannels(log, 2 * (load.idleChannels() + load.idlePublished())));
                try (NodecastProcess server = NodecastProcess.start(children, settings, log == LogKind.REDIS, WAIT_TIMEOUT,
                        options, logDir, log.label + "-idle")) {
                    idle.addAll(IdleChannels.run(load, log, server));
                }
            }
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        Map<String, Object> machine = Machine.describe(settings, serverVmFlags, loadAtStart);
        System.out.print(report(machine, minutes));
        Path file = results.resolve("channels" + (settings.quick() ? "-quick" : "") + ".json");
        Files.writeString(file, Json.write(json(machine, minutes)));
        System.out.println("Wrote " + file);
        List<String> failures = failures();
        failures.forEach(failure -> System.out.println("FAILED: " + failure));
        return failures.isEmpty() ? 0 : 1;
    }

    /** Room for every channel the run makes: --max-channels bounds the in-memory log only (10,000 by default). */
    private static List<String> maxChannels(LogKind log, int channels) {
        return log == LogKind.MEMORY ? List.of("--max-channels", Integer.toString(channels)) : List.of();
    }

    private String report(Map<String, Object> machine, double minutes) {
        StringBuilder out = new StringBuilder("\n");
        out.append(Machine.summary(machine)).append('\n');
        out.append("Server JVM flags: ").append(serverVmFlags).append('\n');
        out.append(String.format("Run: %s channels run, %.1f minutes%n%n", settings.quick() ? "quick" : "full", minutes));
        out.append(ChannelFanOut.table(spreads)).append('\n');
        out.append(IdleChannels.table(idle)).append('\n');
        notes.forEach(note -> out.append("Note: ").append(note).append('\n'));
        return out.toString();
    }

    private Map<String, Object> json(Map<String, Object> machine, double minutes) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", (settings.quick() ? "quick" : "full") + " channels run");
        json.put("minutes", minutes);
        json.put("machine", machine);
        json.put("fanOut", spreads.stream().map(ChannelFanOut.Spread::toJson).toList());
        json.put("idleChannels", idle.stream().map(IdleChannels.Memory::toJson).toList());
        json.put("notes", notes);
        return json;
    }

    private List<String> failures() {
        List<String> failures = new ArrayList<>();
        for (ChannelFanOut.Spread s : spreads) {
            if (s.lost() != 0 || s.duplicated() != 0 || s.behind() != 0 || s.failedConnects() != 0) {
                failures.add("fan-out over %d channels on %s: lost %d, duplicated %d, viewers behind %d, failed connects %d"
                        .formatted(s.channels(), s.log().label, s.lost(), s.duplicated(), s.behind(), s.failedConnects()));
            }
        }
        for (IdleChannels.Memory m : idle) {
            if (m.state().endsWith("all idle") && m.channelsHeld() != 0) {
                failures.add("%s on %s: %d channels still held after the idle time".formatted(m.state(), m.log().label, m.channelsHeld()));
            }
        }
        return failures;
    }
}
