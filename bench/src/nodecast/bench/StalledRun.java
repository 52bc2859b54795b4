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
 * The --stalled run (issue #10: stalled readers must not grow the heap beyond their bounds): a
 * server with the stalled readers and the fast ones, then the control, a server with the fast
 * readers only and the same messages, each fresh, in memory, with nodecast's defaults; then each
 * {@link Attack} of issue #15 on a fresh server of its own ({@link AttackRun}); tables, and
 * results/stalled.json (stalled-quick.json for a quick run). Exit status 1 if a fast reader lost or repeated a message.
 */
final class StalledRun {
    /** nodecast's default; no viewer here long-polls. */
    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(10);

    private final Settings settings;
    private final Children children;
    private final List<String> notes;
    private String serverVmFlags = "?";

    StalledRun(Settings settings, Children children, List<String> notes) {
        this.settings = settings;
        this.children = children;
        this.notes = notes;
    }

    int run(long start, String loadAtStart, Path logDir, Path results) throws IOException {
        Settings.StalledLoad load = settings.stalled();
        Bench.log("bench: %s stalled-readers run, %d stalled readers, %d messages of %d characters, logs in %s",
                settings.quick() ? "quick" : "full", load.readers(), load.messages(), load.messageCharacters(), logDir);
        StalledStreams.Outcome stalled = measure(load, null, logDir, "stalled");
        StalledStreams.Outcome control = measure(load, stalled, logDir, "stalled-control");
        List<AttackRun.Outcome> attacks = new ArrayList<>();
        for (Attack attack : Attack.values()) {
            attacks.add(AttackRun.run(attack, attackers(load), load, !settings.quick(), children, settings, logDir));
        }
        StalledStreams.Reading pause = stalled.readings().get(2);
        if (pause.gone() > 0) {
            notes.add(("%d stalled readers were let go as gone by the pause, %.0f s after they opened: nodecast drops a WebSocket that"
                    + " answered no ping for two keepalive periods (30 s at its defaults), so the pause came too late").formatted(pause.gone(),
                    pause.secondsOpen()));
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        Map<String, Object> machine = Machine.describe(settings, serverVmFlags, loadAtStart);
        System.out.print(report(load, control, stalled, attacks, machine, minutes));
        Path file = results.resolve("stalled" + (settings.quick() ? "-quick" : "") + ".json");
        Files.writeString(file, Json.write(json(load, control, stalled, attacks, machine, minutes)));
        System.out.println("Wrote " + file + "; the class histograms are in " + logDir);
        List<String> failures = failures(List.of(stalled, control));
        for (AttackRun.Outcome attack : attacks) {
            attack.fast().stream().filter(f -> !f.isRight()).forEach(f -> failures.add("the fast %s reader beside the %s: %s".formatted(
                    f.transport().label, attack.attack().label, f.toJson())));
        }
        failures.forEach(failure -> System.out.println("FAILED: " + failure));
        return failures.isEmpty() ? 0 : 1;
    }

    /** Hostile readers per attack: a fifth of the stalled readers, at least 10 (pings from a thousand would take the machine). */
    private static int attackers(Settings.StalledLoad load) {
        return Math.max(10, load.readers() / 5);
    }

    /** The run with the stalled readers, or with {@code stalled} given, its control. */
    private StalledStreams.Outcome measure(Settings.StalledLoad load, StalledStreams.Outcome stalled, Path logDir, String name)
            throws IOException {
        Bench.log(stalled == null ? load.readers() + " stalled readers" : "the control: the fast readers only, the same messages");
        try (NodecastProcess server = NodecastProcess.start(children, settings, false, WAIT_TIMEOUT, logDir, name);
                Publisher publisher = new Publisher(server)) {
            serverVmFlags = server.vmFlags();
            Path histograms = logDir.resolve(name + "-histogram");
            return stalled == null ? StalledStreams.run(load, load.readers(), server, publisher, histograms)
                    : StalledStreams.control(load, stalled, server, publisher, histograms);
        }
    }

    private String report(Settings.StalledLoad load, StalledStreams.Outcome control, StalledStreams.Outcome stalled,
            List<AttackRun.Outcome> attacks, Map<String, Object> machine, double minutes) {
        StringBuilder out = new StringBuilder("\n");
        out.append(Machine.summary(machine)).append('\n');
        out.append("Server JVM flags: ").append(serverVmFlags).append('\n');
        out.append(String.format("Run: %s stalled-readers run, %.1f minutes%n%n", settings.quick() ? "quick" : "full", minutes));
        out.append(StalledStreams.table(load, stalled, control)).append('\n');
        out.append(StalledStreams.fastTable(List.of(stalled, control))).append('\n');
        out.append(StalledStreams.classTable(stalled, control, true)).append('\n');
        out.append(StalledStreams.classTable(stalled, control, false)).append('\n');
        out.append(AttackRun.table(attacks, stalled, control)).append('\n');
        out.append(AttackRun.classTable(attacks)).append('\n');
        notes.forEach(note -> out.append("Note: ").append(note).append('\n'));
        return out.toString();
    }

    private Map<String, Object> json(Settings.StalledLoad load, StalledStreams.Outcome control, StalledStreams.Outcome stalled,
            List<AttackRun.Outcome> attacks, Map<String, Object> machine, double minutes) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("stalledReaders", load.readers());
        run.put("stalledSse", StalledReaders.count(load.readers(), StreamTransport.SSE));
        run.put("stalledWebSocket", StalledReaders.count(load.readers(), StreamTransport.WEB_SOCKET));
        run.put("stalledReceiveBufferBytes", StalledReaders.RECEIVE_BUFFER);
        run.put("stalledMaxSegmentBytes", load.maxSegment() == 0 ? "loopback's" : load.maxSegment());
        run.put("publishedCharacters", load.publishedCharacters());
        run.put("messageCharacters", load.messageCharacters());
        run.put("messages", load.messages());
        run.put("maxQueuedBytes", load.maxQueuedBytes());
        run.put("tcpMemPages", Proc.firstLine("/proc/sys/net/ipv4/tcp_mem"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", (settings.quick() ? "quick" : "full") + " stalled-readers run");
        json.put("minutes", minutes);
        json.put("machine", machine);
        json.put("load", run);
        json.put("stalled", stalled.toJson());
        json.put("control", control.toJson());
        json.put("heldPerStalledReader", StalledStreams.held(stalled, control).stream().map(StalledStreams.Held::toJson).toList());
        json.put("heldPerStalledReaderByClassAtPause", StalledStreams.heldByClass(stalled, control, true).stream()
                .map(row -> row.toJson(stalled.stalledReaders())).toList());
        json.put("heldPerStalledReaderByClassAtEnd", StalledStreams.heldByClass(stalled, control, false).stream()
                .map(row -> row.toJson(stalled.stalledReaders())).toList());
        json.put("attacks", attacks.stream().map(AttackRun.Outcome::toJson).toList());
        json.put("notes", notes);
        return json;
    }

    private static List<String> failures(List<StalledStreams.Outcome> outcomes) {
        List<String> failures = new ArrayList<>();
        for (StalledStreams.Outcome outcome : outcomes) {
            for (StalledStreams.Fast f : outcome.fast()) {
                if (!f.isRight()) {
                    failures.add("the fast %s reader beside %d stalled: lost %d, duplicated %d, out of order %d%s".formatted(
                            f.transport().label, outcome.stalledReaders(), f.count().lost(), f.count().duplicated(), f.count().outOfOrder(),
                            f.ended() == null ? "" : ", its stream ended: " + f.ended()));
                }
            }
        }
        return failures;
    }
}
