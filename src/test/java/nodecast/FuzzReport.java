package nodecast;

import static nodecast.FuzzTest.SEED;
import static nodecast.FuzzTest.THREADS;
import static nodecast.Printable.escape;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The fuzz run told in text: the summary written to target/fuzz-report.txt, and the problems a failure shows. */
final class FuzzReport {
    private FuzzReport() {
    }

    /** Counts by category and first answer, the connections closed early by kind, the answers to aliases of /submit-message. */
    static String summary(List<FuzzOutcome> outcomes, Map<Long, String> stored, long tookMillis) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("FuzzTest: seed %d, %d connections, %d requests, %d threads, %.1f s, %d publishes stored%n",
                SEED, outcomes.size(), outcomes.stream().mapToInt(o -> o.c().expects().size()).sum(), THREADS,
                tookMillis / 1000.0, stored.size()));
        Map<String, List<FuzzOutcome>> byCategory = outcomes.stream()
                .collect(Collectors.groupingBy(o -> o.c().category(), TreeMap::new, Collectors.toList()));
        out.append(String.format("%-10s %6s  %s%n", "category", "conns", "first answer: status or ending"));
        byCategory.forEach((category, list) -> out.append(String.format("%-10s %6d  %s%n", category, list.size(), histogram(list))));
        Map<String, List<FuzzOutcome>> closedByLabel = outcomes.stream()
                .filter(o -> o.ending().equals("closed") || o.ending().equals("reset"))
                .collect(Collectors.groupingBy(o -> o.c().category() + " / " + o.c().label(), TreeMap::new, Collectors.toList()));
        long closed = closedByLabel.values().stream().mapToLong(List::size).sum();
        out.append(String.format("%nconnections closed before every answer came (%d), by kind of request:%n", closed));
        closedByLabel.forEach((label, list) -> {
            FuzzOutcome example = list.get(0);
            long ofKind = outcomes.stream().filter(o -> (o.c().category() + " / " + o.c().label()).equals(label)).count();
            out.append(String.format("  %-62s %4d of %4d (%s after %d answer(s)), e.g. %s%n", label, list.size(), ofKind,
                    example.ending(), example.responses().size(), escape(example.c().parts().get(0), 110)));
        });
        Map<String, Long> aliases = outcomes.stream()
                .filter(o -> o.c().label().startsWith("post to an alias of /submit-message") && !o.responses().isEmpty())
                .collect(Collectors.groupingBy(o -> o.c().label() + " -> " + o.responses().get(0).status(), TreeMap::new, Collectors.counting()));
        out.append(String.format("%nposts to aliases of /submit-message, by answer:%n"));
        aliases.forEach((label, count) -> out.append(String.format("  %-70s %4d%n", label, count)));
        return out.toString();
    }

    private static String histogram(List<FuzzOutcome> list) {
        Map<String, Long> counts = list.stream().collect(Collectors.groupingBy(
                o -> o.responses().isEmpty() ? o.ending() : Integer.toString(o.responses().get(0).status()), TreeMap::new, Collectors.counting()));
        return counts.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(" "));
    }

    /** The problems of each case that had any (the first 400), with the bytes it sent. */
    static String problems(Map<Integer, List<String>> problems, List<FuzzOutcome> outcomes) {
        Map<Integer, FuzzOutcome> byNumber = new HashMap<>();
        outcomes.forEach(o -> byNumber.put(o.c().number(), o));
        StringBuilder out = new StringBuilder(problems.size() + " request(s) went wrong:\n");
        problems.entrySet().stream().limit(400).forEach(entry -> {
            FuzzOutcome o = byNumber.get(entry.getKey());
            out.append("#").append(entry.getKey()).append(" [").append(o.c().category()).append(" / ").append(o.c().label())
                    .append("] ").append(o.ending()).append(" after ").append(o.millis()).append(" ms: ")
                    .append(String.join("; ", entry.getValue())).append("\n    sent: ");
            o.c().parts().forEach(part -> out.append(escape(part, 400)).append(" "));
            out.append("\n");
        });
        return out.toString();
    }
}
