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
 * The --peer run: for each transport (--transports), nodecast (in memory, as a user runs it), then
 * Nchan, each a fresh server driven by the same worker processes, so each pair is measured close
 * together in time and neither inherits the other transport's heap; a table per transport with both
 * and their ratios, and results/nchan.json (nchan-quick.json for a quick run), whose levels and
 * ratios each name their transport, and its chart beside it (.png). Exit status 1 if nodecast lost or repeated a message; the
 * peer's losses are noted, not failed.
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
        Bench.log("bench: %s comparison with %s, %d worker processes, viewers %s, transports %s, logs in %s",
                settings.quick() ? "quick" : "full", settings.peer(), settings.workers(), settings.peerViewerLevels(),
                settings.peerTransports().stream().map(t -> t.word).toList(), logDir);
        try (LoadGenerator generator = LoadGenerator.start(children, settings.workers(), logDir)) {
            for (Transport transport : settings.peerTransports()) {
                Bench.log("%s: nodecast (in memory), as a user runs it", transport.label);
                try (NodecastPeer server = NodecastPeer.start(children, settings, logDir, transport.word)) {
                    serverVmFlags = server.vmFlags();
                    nodecast.addAll(PeerComparison.run(settings, server, transport, generator));
                }
                if (module.isPresent()) {
                    Bench.log("%s: nchan (nginx with libnginx-mod-nchan)", transport.label);
                    try (NchanProcess server = NchanProcess.start(children, module.get(), settings.home(), logDir, transport.word)) {
                        peer.addAll(PeerComparison.run(settings, server, transport, generator));
                    }
                }
            }
        }
        notePeerLosses();
        double minutes = (System.nanoTime() - start) / 60e9;
        Map<String, Object> machine = Machine.describe(settings, serverVmFlags, loadAtStart);
        System.out.print(report(machine, minutes));
        String name = settings.peer() + (settings.quick() ? "-quick" : "");
        Path file = results.resolve(name + ".json");
        Path png = results.resolve(name + ".png");
        Files.writeString(file, Json.write(json(machine, minutes)));
        PeerChart.write(settings.peerTransports(), nodecast, peer, settings.peer(), Machine.brief(machine), png);
        System.out.println("Wrote " + file + " and " + png);
        List<String> failures = failures();
        failures.forEach(failure -> System.out.println("FAILED: " + failure));
        return failures.isEmpty() ? 0 : 1;
    }

    private String report(Map<String, Object> machine, double minutes) {
        StringBuilder out = new StringBuilder("\n");
        out.append(Machine.summary(machine)).append('\n');
        out.append("Server JVM flags: ").append(serverVmFlags).append('\n');
        out.append(String.format("Run: %s comparison with %s, %.1f minutes%n%n", settings.quick() ? "quick" : "full", settings.peer(), minutes));
        for (Transport transport : settings.peerTransports()) {
            out.append(PeerComparison.table(transport, of(transport, nodecast), of(transport, peer), settings.peer())).append('\n');
        }
        notes.forEach(note -> out.append("Note: ").append(note).append('\n'));
        return out.toString();
    }

    private Map<String, Object> json(Map<String, Object> machine, double minutes) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("run", (settings.quick() ? "quick" : "full") + " comparison with " + settings.peer());
        json.put("minutes", minutes);
        json.put("machine", machine);
        json.put("transports", settings.peerTransports().stream().map(t -> t.word).toList());
        json.put("nodecast", nodecast.stream().map(PeerComparison.Level::toJson).toList());
        json.put(settings.peer(), peer.stream().map(PeerComparison.Level::toJson).toList());
        List<Map<String, Object>> ratios = new ArrayList<>();
        for (Transport transport : settings.peerTransports()) {
            ratios.addAll(PeerComparison.ratiosJson(of(transport, nodecast), of(transport, peer)));
        }
        json.put("ratios", ratios);
        json.put("notes", notes);
        return json;
    }

    private static List<PeerComparison.Level> of(Transport transport, List<PeerComparison.Level> levels) {
        return levels.stream().filter(l -> l.transport() == transport).toList();
    }

    /** nodecast's own losses fail the run; the peer's are reported in the table, not held against this build. */
    private List<String> failures() {
        List<String> failures = new ArrayList<>();
        for (PeerComparison.Level l : nodecast) {
            if (incomplete(l)) {
                failures.add("nodecast beside %s, %s".formatted(settings.peer(), losses(l)));
            }
        }
        return failures;
    }

    /** Said, not failed: the peer is not this build. */
    private void notePeerLosses() {
        for (PeerComparison.Level l : peer) {
            if (incomplete(l)) {
                notes.add("%s, %s".formatted(l.server(), losses(l)));
            }
        }
    }

    private static boolean incomplete(PeerComparison.Level l) {
        return l.lost() != 0 || l.duplicated() != 0 || l.failedConnects() != 0;
    }

    private static String losses(PeerComparison.Level l) {
        return "%s, %d viewers: lost %d, duplicated %d, failed connects %d"
                .formatted(l.transport().label, l.viewers(), l.lost(), l.duplicated(), l.failedConnects());
    }
}
