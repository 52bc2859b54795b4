package nodecast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The --peer run: nodecast (in memory, as a user runs it), then Nchan, each a fresh server driven by
 * the same worker processes; one table with both and their ratios, and results/nchan.json
 * (nchan-quick.json for a quick run). Exit status 1 if nodecast lost or repeated a message.
 */
final class PeerRun {
    private final Settings settings;
    private final Children children;
    private final List<String> notes;
    private final List<PeerComparison.Level> nodecast = new ArrayList<>();
    private final List<PeerComparison.Level> peer = new ArrayList<>();
    private String serverVmFlags = "?";

    PeerRun(Settings settings, Children children, List<String> notes) {
        this.settings = settings;
        this.children = children;
        this.notes = notes;
    }

    /** Runs both (nodecast alone when {@code module}, Nchan's, is missing), prints the table, writes the JSON. */
    int run(Optional<Path> module, long start, String loadAtStart, Path logDir, Path results) throws IOException {
        Bench.log("bench: %s comparison with %s, %d worker processes, viewers %s, logs in %s", settings.quick() ? "quick" : "full",
                settings.peer(), settings.workers(), settings.peerViewerLevels(), logDir);
        try (LoadGenerator generator = LoadGenerator.start(children, settings.workers(), logDir)) {
            Bench.log("nodecast (in memory), as a user runs it");
            try (NodecastPeer server = NodecastPeer.start(children, settings, logDir)) {
                serverVmFlags = server.vmFlags();
                nodecast.addAll(PeerComparison.run(settings, server, generator));
            }
            if (module.isPresent()) {
                Bench.log("nchan (nginx with libnginx-mod-nchan)");
                try (NchanProcess server = NchanProcess.start(children, module.get(), settings.home(), logDir)) {
                    peer.addAll(PeerComparison.run(settings, server, generator));
                }
            }
        }
        double minutes = (System.nanoTime() - start) / 60e9;
        Map<String, Object> machine = Machine.describe(settings, serverVmFlags, loadAtStart);
        System.out.print(report(machine, minutes));
        Path file = results.resolve(settings.peer() + (settings.quick() ? "-quick" : "") + ".json");
        Files.writeString(file, Json.write(json(machine, minutes)));
        System.out.println("Wrote " + file);
        List<String> failures = failures();
        failures.forEach(failure -> System.out.println("FAILED: " + failure));
        return failures.isEmpty() ? 0 : 1;
    }

    private String report(Map<String, Object> machine, double minutes) {
        StringBuilder out = new StringBuilder("\n");
        out.append(Machine.summary(machine)).append('\n');
        out.append("Server JVM flags: ").append(serverVmFlags).append('\n');
        out.append(String.format("Run: %s comparison with %s, %.1f minutes%n%n", settings.quick() ? "quick" : "full", settings.peer(), minutes));
        out.append(PeerComparison.table(nodecast, peer, settings.peer())).append('\n');
        notes.forEach(note -> out.append("Note: ").append(note).append('\n'));
        return out.toString();
    }

    private Map<String, Object> json(Map<String, Object> machine, double minutes) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", (settings.quick() ? "quick" : "full") + " comparison with " + settings.peer());
        json.put("minutes", minutes);
        json.put("machine", machine);
        json.put("nodecast", nodecast.stream().map(PeerComparison.Level::toJson).toList());
        json.put(settings.peer(), peer.stream().map(PeerComparison.Level::toJson).toList());
        json.put("ratios", PeerComparison.ratiosJson(nodecast, peer));
        json.put("notes", notes);
        return json;
    }

    /** nodecast's own losses fail the run; the peer's are reported in the table, not held against this build. */
    private List<String> failures() {
        List<String> failures = new ArrayList<>();
        for (PeerComparison.Level l : nodecast) {
            if (l.lost() != 0 || l.duplicated() != 0 || l.failedConnects() != 0) {
                failures.add("nodecast beside %s, %d viewers: lost %d, duplicated %d, failed connects %d"
                        .formatted(settings.peer(), l.viewers(), l.lost(), l.duplicated(), l.failedConnects()));
            }
        }
        return failures;
    }
}
